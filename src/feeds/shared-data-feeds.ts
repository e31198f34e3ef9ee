import { join } from 'node:path';
import { appendAll } from '../core/append-all.js';
import type { FeedBatch, FeedItem } from '../vulndb/import-types.js';
import { secdbFeeds } from './alpine-secdb/secdb-feed.js';
import { compositeFeed } from './composite-cvss/composite-feed.js';
import { cve5Feed } from './cve5/cve5-feed.js';
import { epssFeed } from './epss/epss-feed.js';
import { kevFeed } from './kev/kev-feed.js';
import { osvFeed } from './osv/osv-feed.js';

/**
 * The real feeds in the project's shared data directory (see its SOURCES.md), with the publishers'
 * dates for inputs that carry none. Used by the snapshot build and the import bench.
 */
export const SHARED_INPUTS = [
  {
    path: 'debian/debian-osv.jsonl.gz',
    feed: 'osv-debian',
    license: 'Debian security tracker data via osv.dev',
  },
  { path: 'osv/ghsa-reviewed.osv.jsonl.gz', feed: 'ghsa', license: 'CC-BY-4.0 (GitHub Advisory Database)' },
  { path: 'osv/pypa-advisory-db.osv.jsonl.gz', feed: 'pypa', license: 'CC-BY-4.0 (PyPA advisory-database)' },
  // This copy's `modified` dates are placeholders: the snapshot date stands for the data date.
  {
    path: 'osv/go-vulndb.osv.jsonl.gz',
    feed: 'go-vulndb',
    license: 'CC-BY-4.0 (Go vulnerability database)',
    date: '2026-08-21T00:00:00Z',
  },
  {
    path: 'osv/rustsec.osv.jsonl.gz',
    feed: 'rustsec',
    license: 'CC0-1.0 (RustSec; GHSA-derived parts CC-BY-4.0)',
  },
  {
    path: 'alpine-secdb.tar.gz',
    feed: 'alpine-secdb',
    license: 'Alpine Linux secdb',
    date: '2025-01-04T00:00:00Z',
  },
  {
    path: 'cve5/cve5-vulnrichment.jsonl.gz',
    feed: 'cve5',
    license: 'CVE Program terms of use; CISA-ADP CC0-1.0',
  },
  {
    path: 'cvss/cve-cvss-cwe.composite.jsonl.gz',
    feed: 'composite-cvss',
    license: 'per source (CNA, CISA-ADP, osv.dev, GHSA)',
  },
  { path: 'kev/known_exploited_vulnerabilities.json', feed: 'kev', license: 'CC0-1.0 (CISA KEV)' },
  // This copy lacks FIRST's `#model_version…,score_date` line.
  {
    path: 'epss/epss_scores.csv.gz',
    feed: 'epss',
    license: 'FIRST EPSS (attribution)',
    date: '2026-08-16T00:00:00Z',
  },
] as const;

export async function sharedDataBatches(dataDir: string): Promise<FeedBatch[]> {
  const out: FeedBatch[] = [];
  for (const input of SHARED_INPUTS) {
    const path = join(dataDir, input.path);
    switch (input.feed) {
      case 'alpine-secdb':
        appendAll(out, await secdbFeeds(path, input.date));
        break;
      case 'cve5':
        out.push(cve5Feed(path));
        break;
      case 'composite-cvss':
        out.push(compositeFeed(path));
        break;
      case 'kev':
        out.push(kevFeed(path));
        break;
      case 'epss':
        out.push(withDataDate(epssFeed(path), input.date));
        break;
      case 'go-vulndb':
        out.push(withDataDate(await osvFeed(path, input.feed), input.date));
        break;
      default:
        out.push(await osvFeed(path, input.feed));
    }
  }
  return out;
}

/** States the publisher's date for an input that does not carry it (recorded in feed status). */
function withDataDate(batch: FeedBatch, date: string): FeedBatch {
  async function* items(): AsyncGenerator<FeedItem> {
    yield* batch.items;
    yield { kind: 'data-date', date };
  }
  return { ...batch, items: items() };
}
