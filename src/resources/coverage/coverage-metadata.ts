import type { AgentFacts } from '../hosts/host-agent-store.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Inspector's `resourceMetadata` for a covered resource: `ec2` for a host (its tags, platform and what
 * its agent reports), `ecrImage` + `ecrRepository` for an image, `ecrRepository` for a repository.
 */
export function resourceMetadata(
  type: string,
  resourceId: string,
  r: { tags: Record<string, string>; details: Json } | undefined,
  agent: AgentFacts | undefined,
): Json {
  const details = r?.details ?? {};
  if (type === 'HOST') {
    const os = details['os'] && typeof details['os'] === 'object' ? (details['os'] as Json) : undefined;
    return {
      ec2: {
        tags: r?.tags ?? {},
        platform: os ? 'LINUX' : 'UNKNOWN',
        ...(os ? { os } : {}),
        ...hostFacts(details, agent),
      },
    };
  }
  if (type === 'CONTAINER_IMAGE') {
    const repository = str(details['repositoryName']);
    return {
      ecrImage: {
        tags: Array.isArray(details['imageTags']) ? details['imageTags'] : [],
        ...(str(details['platform']) ? { platform: details['platform'] } : {}),
      },
      ...(repository ? { ecrRepository: { name: repository } } : {}),
    };
  }
  if (type === 'CONTAINER_REPOSITORY') return { ecrRepository: { name: resourceId, tags: r?.tags ?? {} } };
  return {};
}

function hostFacts(details: Json, agent: AgentFacts | undefined): Json {
  if (!agent) {
    const hostname = str(details['hostname']);
    const lastInventoryAt = str(details['lastInventoryAt']);
    return { ...(hostname ? { hostname } : {}), ...(lastInventoryAt ? { lastInventoryAt } : {}) };
  }
  return {
    hostname: agent.hostname,
    machineId: agent.machineId,
    ipAddresses: agent.ipAddresses,
    agentVersion: agent.agentVersion,
    lastCheckinAt: agent.lastCheckinAt,
    ...(agent.lastInventoryAt ? { lastInventoryAt: agent.lastInventoryAt } : {}),
  };
}
