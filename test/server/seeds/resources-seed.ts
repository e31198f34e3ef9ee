import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's resources objects through the API; returns the path parameters naming them. */
export function seedResources(_s: SeedContext): Promise<SeededIds> {
  return Promise.resolve({});
}
