import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedBatch } from '../../vulndb/import-types.js';
import { openVulnDb } from '../../vulndb/vuln-db.js';
import { FeedFormatError } from '../feed-format-error.js';
import { secdbFeeds } from './secdb-feed.js';
import { transformSecdb } from './secdb-transform.js';
import { sharedData } from '../../../test/fixtures/shared-data.js';

const doc = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8'));

describe('Alpine secdb transform', () => {
  it('maps secfixes to fixed rows and the `0` key to not-affected', () => {
    const { feed, items } = transformSecdb(doc('v3.17-community.json'));
    expect(feed).toBe('alpine-secdb/v3.17/community');
    const rows = items.flatMap((i) => (i.kind === 'record' ? i.affected : []));
    expect(
      rows.map((r) => `${r.vulnId} ${r.ecosystem} ${r.packageName} ${r.state} ${r.fixedVersion ?? '-'}`),
    ).toEqual([
      'CVE-2020-35864 Alpine:v3.17 flatbuffers not-affected -',
      'CVE-2020-27955 Alpine:v3.17 git-lfs not-affected -',
      'CVE-2021-38561 Alpine:v3.17 git-lfs fixed 3.1.2-r3',
      'CVE-2022-27191 Alpine:v3.17 git-lfs fixed 3.1.2-r4',
    ]);
  });

  it('refuses a document without the secdb shape', () => {
    expect(() => transformSecdb({ packages: [] })).toThrow(FeedFormatError);
  });
});

describe('Alpine secdb import', () => {
  it('imports the real secdb tarball, one feed per release and repository, idempotently', async () => {
    const db = await openVulnDb(join(mkdtempSync(join(tmpdir(), 'vigil-secdb-')), 'db.sqlite'));
    try {
      // The whole tarball is read (41 files) but only v3.19 is imported: the full import is the bench's job.
      const v319 = async (date: string): Promise<FeedBatch[]> =>
        (await secdbFeeds(sharedData('alpine-secdb.tar.gz'), date)).filter((b) => b.feed.includes('/v3.19/'));
      const all = await secdbFeeds(sharedData('alpine-secdb.tar.gz'));
      expect(all.length).toBe(41);
      const first = await db.import(await v319('2025-01-04T00:00:00Z'));
      expect(first.feeds).toEqual(['alpine-secdb/v3.19/community', 'alpine-secdb/v3.19/main']);
      expect(first.new.length).toBeGreaterThan(3_000);
      const rows = await db.store.affected('Alpine:v3.19', ['openssl']);
      const fix = rows.find((r) => r.vulnId === 'CVE-2019-1543');
      expect(fix).toMatchObject({
        state: 'fixed',
        fixedVersion: '1.1.1b-r1',
        source: 'alpine-secdb/v3.19/main',
      });
      expect(rows.find((r) => r.vulnId === 'CVE-2022-1292')?.state).toBe('not-affected');
      const again = await db.import(await v319('2025-02-01T00:00:00Z'));
      expect([again.new.length, again.updated.length]).toEqual([0, 0]);
    } finally {
      await db.close();
    }
  });
});
