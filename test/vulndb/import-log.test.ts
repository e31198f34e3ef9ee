import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { kevFeed } from '../../src/feeds/kev/kev-feed.js';
import { ensureVulnDb } from '../../src/vulndb/default-db.js';
import { dumpSnapshot } from '../../src/vulndb/snapshot-dump.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';

/**
 * The change set of every import names the package keys its records' rows named, before and after,
 * and is kept in the DB's import log, so another process sharing the file sees it.
 */
const debianSample = join(import.meta.dirname, '../../src/feeds/osv/testdata/debian-osv-sample.jsonl');

function debianRecord(id: string, modified: string, packages: Array<[string, string]>, extra = {}): object {
  return {
    schema_version: '1.6.0',
    id,
    modified,
    affected: packages.map(([eco, name]) => ({
      package: { ecosystem: eco, name },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0-1' }] }],
    })),
    ...extra,
  };
}

describe('import change sets and the import log', () => {
  let dir: string;
  let db: VulnDb;
  const file = (name: string, docs: object[]): string => {
    const path = join(dir, name);
    writeFileSync(path, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    return path;
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-import-log-'));
    db = await openVulnDb(join(dir, 'vulndb.sqlite'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a first import names every key its rows name, logged with a growing seq', async () => {
    const change = await db.import([await osvFeed(debianSample)]);
    const rows = await db.kysely
      .selectFrom('affected')
      .select(['ecosystem', 'package_name'])
      .distinct()
      .orderBy('ecosystem')
      .orderBy('package_name')
      .execute();
    expect(rows.length).toBeGreaterThan(3);
    expect(change.keys).toEqual(rows.map((r) => [r.ecosystem, r.package_name]));
    expect(change.enrichmentChanged).toBe(false);
    expect(change.seq).toBe(1);
    const again = await db.import([await osvFeed(debianSample)]);
    expect(again.keys).toEqual([]);
    expect(again.seq).toBe(2);
    const log = await db.importsAfter(0);
    expect(log.map((e) => [e.seq, e.kind, e.feeds])).toEqual([
      [1, 'import', ['osv-debian']],
      [2, 'import', ['osv-debian']],
    ]);
    expect(log[0]?.changeSet?.keys).toEqual(change.keys);
    expect(await db.latestImportSeq()).toBe(2);
    expect(await db.importsAfter(1)).toHaveLength(1);
  });

  it('an update names the old rows and the new ones; a withdrawal names the rows it removed', async () => {
    await db.import([
      await osvFeed(
        file('a.jsonl', [
          debianRecord('CVE-2099-1000', '2024-01-01T00:00:00Z', [['Debian:12', 'alpha']]),
          debianRecord('CVE-2099-1001', '2024-01-01T00:00:00Z', [['Debian:11', 'beta']]),
          debianRecord('CVE-2099-1002', '2024-01-01T00:00:00Z', [['Debian:12', 'untouched']]),
        ]),
      ),
    ]);
    const change = await db.import([
      await osvFeed(
        file('b.jsonl', [
          // The range moved from alpha to gamma: both must be re-matched.
          debianRecord('CVE-2099-1000', '2024-02-01T00:00:00Z', [['Debian:12', 'gamma']]),
          debianRecord('CVE-2099-1001', '2024-02-01T00:00:00Z', [['Debian:11', 'beta']], {
            withdrawn: '2024-02-01T00:00:00Z',
          }),
          debianRecord('CVE-2099-1003', '2024-02-01T00:00:00Z', [['Debian:12', 'delta']]),
        ]),
      ),
    ]);
    expect(change.updated).toEqual(['CVE-2099-1000']);
    expect(change.withdrawn).toEqual(['CVE-2099-1001']);
    expect(change.new).toEqual(['CVE-2099-1003']);
    expect(change.keys).toEqual([
      ['Debian:11', 'beta'],
      ['Debian:12', 'alpha'],
      ['Debian:12', 'delta'],
      ['Debian:12', 'gamma'],
    ]);
    expect(change.enrichmentChanged).toBe(false);
    const [entry] = await db.importsAfter(1);
    expect(entry?.changeSet?.keys).toEqual(change.keys);
  });

  it('KEV data and records without rows mark the enrichment changed', async () => {
    const kev = join(dir, 'kev.json');
    writeFileSync(
      kev,
      JSON.stringify({
        catalogVersion: '2025.01.01',
        vulnerabilities: [{ cveID: 'CVE-2099-1000', dateAdded: '2025-01-01' }],
      }),
    );
    const withKev = await db.import([kevFeed(kev)]);
    expect(withKev.enrichmentChanged).toBe(true);
    expect(withKev.keys).toEqual([]);
    const rowless = await db.import([
      await osvFeed(file('c.jsonl', [debianRecord('CVE-2099-2000', '2024-01-01T00:00:00Z', [])])),
    ]);
    expect(rowless.enrichmentChanged).toBe(true);
  });

  it('a failed import logs nothing: the log only holds what committed', async () => {
    await db.import([await osvFeed(debianSample)]);
    const bad = join(dir, 'bad.jsonl.gz');
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]));
    await expect(db.import([await osvFeed(bad, 'osv-other')])).rejects.toThrow();
    expect(await db.latestImportSeq()).toBe(1);
  });

  it('a snapshot load is logged with an unknown change set, and a snapshot still round-trips', async () => {
    await db.import([await osvFeed(debianSample)]);
    await dumpSnapshot(db, join(dir, 'snap'), []);
    const loaded = await ensureVulnDb(join(dir, 'loaded.sqlite'), { snapshotDir: join(dir, 'snap') });
    try {
      const log = await loaded.importsAfter(0);
      expect(log.map((e) => [e.seq, e.kind, e.changeSet])).toEqual([[1, 'snapshot', null]]);
      expect(await loaded.store.affected('Debian:12', ['tcpdump'])).toEqual(
        await db.store.affected('Debian:12', ['tcpdump']),
      );
      // Two files, two identities; the same file reopened keeps its own.
      expect(await loaded.identity()).not.toBe(await db.identity());
      const again = await openVulnDb(join(dir, 'vulndb.sqlite'));
      expect(await again.identity()).toBe(await db.identity());
      await again.close();
    } finally {
      await loaded.close();
    }
  });
});
