import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's accounts objects through the API; returns the path parameters naming them. */
export function seedAccounts(_s: SeedContext): Promise<SeededIds> {
  return Promise.resolve({});
}
