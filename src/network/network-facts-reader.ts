import { Value } from '@sinclair/typebox/value';
import { isVigilError } from '../core/errors/vigil-error.js';
import { loadFirewall } from './firewall/firewall-view.js';
import { NetworkFactsInvalidError } from './network-facts-invalid-error.js';
import { NetworkFactsTooLargeError } from './network-facts-too-large-error.js';
import { NetworkFactsSchema, type NetworkFacts } from './network-facts.js';

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
  if (!Value.Check(NetworkFactsSchema, value)) {
    const errors = [...Value.Errors(NetworkFactsSchema, value)]
      .slice(0, 10)
      .map((e) => ({ path: e.path, message: e.message }));
    throw new NetworkFactsInvalidError(errors);
  }
  try {
    loadFirewall(value.firewall, value.notes);
  } catch (err) {
    if (!isVigilError(err)) throw err;
    throw new NetworkFactsInvalidError([{ path: '/firewall', message: err.message }]);
  }
  return value;
}
