import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's reports objects through the API; returns the path parameters naming them. */
export function seedReports(_s: SeedContext): Promise<SeededIds> {
  return Promise.resolve({});
}
