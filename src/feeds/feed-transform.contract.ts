import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it, vi } from 'vitest';
import { SeededRandom } from '../core/seeded-random.js';
import type { FeedItem } from '../vulndb/import-types.js';
import type { FeedDefinition } from './feed-registry.js';
import { detectFeed } from './feed-registry.js';
import { sniff } from './feed-sniff.js';
import { feedItemViolations } from './testing/feed-item-invariants.js';

export interface DrainedBatch {
  feed: string;
  replaceEnrichment: boolean;
  items: FeedItem[];
}

/** Opens one input through the feed's registry entry and reads every item of every batch. */
export async function drain(feed: FeedDefinition, path: string, dataDate?: string): Promise<DrainedBatch[]> {
  const out: DrainedBatch[] = [];
  for (const b of await feed.open(path, dataDate ? { dataDate } : {})) {
    const items: FeedItem[] = [];
    for await (const item of b.items) items.push(item);
    out.push({ feed: b.feed, replaceEnrichment: b.replaceEnrichment ?? false, items });
  }
  return out;
}

/** The error code a drain ended with, or 'ok'. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : `untyped ${(err as Error).name}: ${(err as Error).message}`;
  }
}

const USABLE = new Set(['record', 'kev', 'epss']);
const usable = (batches: DrainedBatch[]): number =>
  batches.reduce((n, b) => n + b.items.filter((i) => USABLE.has(i.kind)).length, 0);

/** Inputs that are not the feed's format at all: an HTML error page (gzipped too) and binary noise. */
function garbage(name: string): Buffer[] {
  const html = Buffer.from('<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1>\n</body></html>\n');
  const rnd = new SeededRandom(0x5eed);
  const noise = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rnd.next() * 256)));
  return name.endsWith('.gz') ? [html, gzipSync(html), noise] : [html, noise];
}

/**
 * Registers the feed-transform contract for one registered feed; call inside a `describe`. `samples`
 * are the feed's testdata files. Each is read through `open` (the same path `db import` takes).
 */
export function feedTransformContract(feed: FeedDefinition, samples: readonly string[]): void {
  const scratch = mkdtempSync(join(tmpdir(), `vigil-feed-contract-${feed.name}-`));
  let n = 0;
  /** A file with the sample's own name (readers choose by extension) holding these bytes. */
  const named = (sample: string, bytes: Buffer | string): string => {
    const dir = join(scratch, String(++n));
    const path = join(dir, basename(sample));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, bytes);
    return path;
  };
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has testdata, and db import recognizes each sample as this feed', async () => {
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) expect(detectFeed(await sniff(s))?.name, s).toBe(feed.name);
  });

  it('every sample yields usable items, and every item keeps the import types’ invariants', async () => {
    for (const s of samples) {
      const batches = await drain(feed, s);
      expect(usable(batches), s).toBeGreaterThan(0);
      for (const b of batches)
        expect({ sample: s, violations: feedItemViolations(b.feed, b.items) }).toEqual({
          sample: s,
          violations: [],
        });
    }
  });

  it('is pure: the same bytes at another path and another wall-clock time give the same items', async () => {
    for (const s of samples) {
      const copy = join(scratch, String(++n));
      mkdirSync(copy, { recursive: true });
      copyFileSync(s, join(copy, basename(s)));
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(new Date('2001-02-03T04:05:06Z'));
        const first = await drain(feed, s);
        vi.setSystemTime(new Date('2039-10-11T12:13:14Z'));
        expect(await drain(feed, join(copy, basename(s))), s).toEqual(first);
        expect(await drain(feed, s, '2024-05-06'), s).toEqual(await drain(feed, s, '2024-05-06'));
      } finally {
        vi.useRealTimers();
      }
    }
  });

  it('refuses garbage whole with FEED_FORMAT, before yielding anything', async () => {
    for (const s of new Set(samples.map((x) => basename(x)))) {
      for (const bytes of garbage(s)) {
        const path = named(s, bytes);
        expect(await failure(() => drain(feed, path)), `${s}: ${bytes.subarray(0, 16).toString('hex')}`).toBe(
          'FEED_FORMAT',
        );
      }
    }
  });

  it('empty input yields no usable item: nothing at all, or a refusal with FEED_FORMAT', async () => {
    for (const s of new Set(samples.map((x) => basename(x)))) {
      const path = named(s, '');
      let batches: DrainedBatch[] = [];
      const result = await failure(async () => (batches = await drain(feed, path)));
      expect(['ok', 'FEED_FORMAT'], `${s}: ${result}`).toContain(result);
      expect(usable(batches)).toBe(0);
    }
  });
}
