/**
 * The `source` detail of a HOST resource the cloud network upload created for an instance no agent
 * names (and only of such a resource): what coverage and the agentless analysis recognise it by.
 */
export const CLOUD_NETWORK_SOURCE = 'CLOUD_NETWORK';

export function isAgentlessDetails(details: Readonly<Record<string, unknown>>): boolean {
  return details['source'] === CLOUD_NETWORK_SOURCE;
}
