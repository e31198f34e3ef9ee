import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { osvFeed, osvItems } from '../../src/feeds/osv/osv-feed.js';
import type { FeedBatch, FeedItem } from '../../src/vulndb/import-types.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';

const debianSample = join(import.meta.dirname, '../../src/feeds/osv/testdata/debian-osv-sample.jsonl');

function osvRecord(
  id: string,
  modified: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id,
    modified,
    affected: [
      {
        package: { ecosystem: 'npm', name: 'left-pad' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
      },
    ],
    ...extra,
  };
}

function jsonl(dir: string, name: string, docs: unknown[], gzip = false): string {
  const text = docs.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('\n') + '\n';
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

async function counts(db: VulnDb): Promise<[number, number]> {
  const v = await db.kysely
    .selectFrom('vulnerabilities')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const a = await db.kysely
    .selectFrom('affected')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return [Number(v.n), Number(a.n)];
}

describe('vulnerability DB import', () => {
  let dir: string;
  let db: VulnDb;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-import-'));
    db = await openVulnDb(join(dir, 'vulndb.sqlite'));
  });
  afterEach(async () => {
    await db.close();
  });

  it('imports real Debian OSV records and re-imports idempotently', async () => {
    const first = await db.import([await osvFeed(debianSample)]);
    expect(first.new).toHaveLength(5);
    expect(first.feeds).toEqual(['osv-debian']);
    expect(first.skippedParts['affected entry without package (GIT only)']).toBe(1);
    const rows = await db.store.affected('Debian:12', ['tcpdump', 'openssl', 'net-tools']);
    expect(rows.map((r) => `${r.vulnId} ${r.packageName} ${r.state}`).sort()).toEqual([
      'CVE-2002-0380 tcpdump fixed',
      'CVE-2002-1976 net-tools unfixed',
      'CVE-2016-0701 openssl fixed',
    ]);
    const again = await db.import([await osvFeed(debianSample)]);
    expect([again.new.length, again.updated.length, again.skipped]).toEqual([0, 0, 5]);
    const status = await db.status();
    expect(status.map((s) => [s.feed, s.recordCount])).toEqual([['osv-debian', 5]]);
  });

  it("records each feed's own change figures in feed status when one run imports several feeds", async () => {
    const ghsa = jsonl(dir, 'ghsa.jsonl', [osvRecord('GHSA-x', '2024-01-01T00:00:00Z'), 'junk']);
    await db.import([await osvFeed(debianSample), await osvFeed(ghsa, 'ghsa')]);
    const status = new Map((await db.status()).map((s) => [s.feed, s.lastChange]));
    expect(status.get('osv-debian')).toMatchObject({
      new: 5,
      invalid: {},
      skippedParts: { 'affected entry without package (GIT only)': 1 },
    });
    expect(status.get('ghsa')).toMatchObject({
      new: 1,
      invalid: { 'invalid JSON line': 1 },
      skippedParts: {},
    });
  });

  it('updates a record whose modified is newer, skips an older one, reports withdrawals', async () => {
    await db.import([
      await osvFeed(
        jsonl(dir, 'a.jsonl', [
          osvRecord('GHSA-a', '2024-01-01T00:00:00Z'),
          osvRecord('GHSA-b', '2024-01-01T00:00:00Z'),
        ]),
      ),
    ]);
    const newer = osvRecord('GHSA-a', '2024-02-01T00:00:00Z', {
      affected: [
        {
          package: { ecosystem: 'npm', name: 'left-pad' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.4.0' }] }],
        },
      ],
    });
    const older = osvRecord('GHSA-b', '2023-01-01T00:00:00Z', { affected: [] });
    const withdrawn = osvRecord('GHSA-c', '2024-01-01T00:00:00Z', { withdrawn: '2024-01-02T00:00:00Z' });
    const change = await db.import([await osvFeed(jsonl(dir, 'b.jsonl', [newer, older, withdrawn]))]);
    expect(change.updated).toEqual(['GHSA-a']);
    expect(change.withdrawn).toEqual(['GHSA-c']);
    expect(change.new).toEqual([]);
    expect(change.skipped).toBe(1);
    const rows = await db.store.affected('npm', ['left-pad']);
    expect(rows.map((r) => `${r.vulnId}:${r.fixedVersion}`).sort()).toEqual(['GHSA-a:1.4.0', 'GHSA-b:1.3.0']);
    const recs = await db.store.records(['GHSA-c']);
    expect(recs.get('GHSA-c')?.withdrawn).toBe('2024-01-02T00:00:00Z');
  });

  it('counts invalid JSON lines and unknown ecosystems, handles a 1 MB record, rejects 2.x by the gate', async () => {
    const huge = osvRecord('GHSA-huge', '2024-01-01T00:00:00Z', {
      affected: [
        {
          package: { ecosystem: 'npm', name: 'huge' },
          ranges: Array.from({ length: 14_000 }, (_, i) => ({
            type: 'SEMVER',
            events: [{ introduced: `${i}.0.0` }, { fixed: `${i}.0.1` }],
          })),
        },
      ],
    });
    expect(JSON.stringify(huge).length).toBeGreaterThan(1_000_000);
    const unknown = osvRecord('X-unknown', '2024-01-01T00:00:00Z', {
      affected: [{ package: { ecosystem: 'Nonesuch', name: 'x' }, versions: ['1'] }],
    });
    const v2 = { ...osvRecord('X-v2', '2024-01-01T00:00:00Z'), schema_version: '2.0.0' };
    const path = jsonl(
      dir,
      'hostile.jsonl.gz',
      [osvRecord('GHSA-ok', '2024-01-01T00:00:00Z'), '{"id": "broken', huge, unknown, v2, 'not json'],
      true,
    );
    const change = await db.import([await osvFeed(path)]);
    expect(change.new.sort()).toEqual(['GHSA-huge', 'GHSA-ok', 'X-unknown']);
    expect(change.invalid).toEqual({
      count: 3,
      reasons: { 'invalid JSON line': 2, 'unsupported OSV schema_version 2.0.0': 1 },
    });
    expect(change.skippedParts).toEqual({ 'unknown ecosystem Nonesuch': 1 });
    const rows = await db.store.affected('npm', ['huge']);
    expect(rows[0]?.ranges).toHaveLength(14_000);
  });

  it('a truncated gzip fails the import cleanly and leaves the DB unchanged', async () => {
    await db.import([await osvFeed(debianSample)]);
    const before = await counts(db);
    const full = gzipSync(Buffer.concat([readFileSync(debianSample), readFileSync(debianSample)]));
    const path = join(dir, 'truncated-osv.jsonl.gz');
    writeFileSync(path, full.subarray(0, Math.floor(full.length * 0.6)));
    await expect(db.import([await osvFeed(path, 'osv-other')])).rejects.toThrow(/unexpected end of file/);
    expect(await counts(db)).toEqual(before);
    expect((await db.status()).map((s) => s.feed)).toEqual(['osv-debian']);
  });

  it('a stream that errors after N records rolls the whole import back', async () => {
    await db.import([await osvFeed(debianSample)]);
    const before = await counts(db);
    async function* failing(): AsyncGenerator<FeedItem> {
      for (let i = 0; i < 5000; i++) {
        yield* osvItems(
          [{ ok: true as const, value: osvRecord(`GHSA-${i}`, '2024-01-01T00:00:00Z') }],
          'ghsa',
        );
      }
      throw new Error('connection reset');
    }
    const batch: FeedBatch = { feed: 'ghsa', items: failing() };
    await expect(db.import([batch])).rejects.toThrow('connection reset');
    expect(await counts(db)).toEqual(before);
  });
});
