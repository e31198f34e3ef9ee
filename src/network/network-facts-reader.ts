import { isVigilError } from '../core/errors/vigil-error.js';
import { loadFirewall } from './firewall/firewall-view.js';
import { NetworkFactsInvalidError } from './network-facts-invalid-error.js';
import { NetworkFactsTooLargeError } from './network-facts-too-large-error.js';
import { shapeErrors } from './json-shape.js';
import { NETWORK_FACTS_SHAPE, type NetworkFacts } from './network-facts.js';

/**
 * Reads network facts as an agent sends them: at most `maxBytes` of JSON (16 MiB: a 10 MB ruleset
 * fits), the documented schema and version, and a firewall dump every parser can read. Anything else
 * is a typed error naming where it is wrong; nothing half-read comes out.
 */
export const MAX_NETWORK_FACTS_BYTES = 16 * 1024 * 1024;

export function readNetworkFacts(text: string, maxBytes = MAX_NETWORK_FACTS_BYTES): NetworkFacts {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new NetworkFactsTooLargeError(size, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new NetworkFactsInvalidError([{ path: '', message: `not JSON: ${(err as Error).message}` }]);
  }
  return checkNetworkFacts(parsed);
}

export function checkNetworkFacts(value: unknown): NetworkFacts {
  const errors = shapeErrors(NETWORK_FACTS_SHAPE, value);
  if (errors.length > 0) throw new NetworkFactsInvalidError(errors);
  const facts = value as NetworkFacts;
  try {
    loadFirewall(facts.firewall, facts.notes);
  } catch (err) {
    if (!isVigilError(err)) throw err;
    throw new NetworkFactsInvalidError([{ path: '/firewall', message: err.message }]);
  }
  return facts;
}
