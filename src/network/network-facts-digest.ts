import { createHash } from 'node:crypto';
import type { NetworkFacts } from './network-facts.js';

/**
 * What tells one host's network facts from the last ones: sha256 of their JSON without the collection
 * time. The agent sends the facts only when this moved (or the server asks); the server computes it
 * again from what it received, so both sides compare the same thing.
 */
export function networkFactsDigest(facts: NetworkFacts): string {
  const { collectedAt: _at, ...rest } = facts;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}
