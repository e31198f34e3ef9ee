import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { FEEDS } from './feed-registry.js';
import { feedTransformContract } from './feed-transform.contract.js';

/** Each feed's samples: `src/feeds/<feed name>/testdata/*` (README files aside). */
function samples(feed: string): string[] {
  const dir = join(import.meta.dirname, feed, 'testdata');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !/^README/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

for (const feed of FEEDS)
  describe(`feed contract: ${feed.name}`, () => feedTransformContract(feed, samples(feed.name)));
