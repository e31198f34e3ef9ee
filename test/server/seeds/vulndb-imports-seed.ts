import type { SeededIds } from './seed-context.js';

/**
 * The vulnerability DB's import log is the server's, not account B's: there is nothing of B's to
 * seed. The walk still needs a value for `{importId}`; one no response could contain by chance (the
 * walk looks for every seeded id in every answer), which a member key must be refused on anyway.
 */
export function seedVulnDbImports(): Promise<SeededIds> {
  return Promise.resolve({ importId: '9876543210123' });
}
