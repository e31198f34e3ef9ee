import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's webhooks objects through the API; returns the path parameters naming them. */
export function seedWebhooks(_s: SeedContext): Promise<SeededIds> {
  return Promise.resolve({});
}
