import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { trackerBatch } from '../../src/feeds/debian-tracker/tracker-feed.js';
import { ensureVulnDb } from '../../src/vulndb/default-db.js';
import { readManifest, shippedSnapshotDir } from '../../src/vulndb/snapshot-load.js';
import { dumpSnapshot } from '../../src/vulndb/snapshot-dump.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';

const FEEDS = join(import.meta.dirname, '../../src/feeds');

describe('snapshot', () => {
  it('round-trips facts without prose, loads once, and re-importing the same data changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-snapshot-'));
    const source = await openVulnDb(join(dir, 'source.sqlite'));
    const debian = join(FEEDS, 'osv/testdata/debian-osv-sample.jsonl');
    const tracker = readFileSync(join(FEEDS, 'debian-tracker/testdata/tracker-nodsa.json'), 'utf8');
    await source.import([await osvFeed(debian), trackerBatch(tracker, '2025-01-01T00:00:00Z')]);
    expect((await source.store.records(['CVE-2099-0001'])).get('CVE-2099-0001')?.summary).toBeDefined();
    const manifest = await dumpSnapshot(source, join(dir, 'snap'), [{ path: 'x', sha256: 'y' }]);
    expect(manifest.tables.vulnerabilities.rows).toBe(7);
    const expectedRows = await source.store.affected('Debian:12', ['tcpdump', 'vigil-demo']);
    await source.close();

    const target = join(dir, 'target.sqlite');
    const db = await ensureVulnDb(target, { snapshotDir: join(dir, 'snap') });
    try {
      expect(await db.store.affected('Debian:12', ['tcpdump', 'vigil-demo'])).toEqual(expectedRows);
      const recs = await db.store.records(['CVE-2002-0380', 'CVE-2099-0001']);
      expect(recs.get('CVE-2099-0001')?.summary).toBeUndefined(); // facts only
      expect(recs.get('CVE-2002-0380')?.references.length).toBeGreaterThan(5);
      expect((await db.status()).map((s) => s.feed)).toEqual(['debian-tracker', 'osv-debian']);
      const again = await db.import([await osvFeed(debian)]);
      expect([again.new.length, again.updated.length]).toEqual([0, 0]);
    } finally {
      await db.close();
    }
    // Second open: data present, the snapshot is not loaded again (the import above would be lost).
    const reopened = await ensureVulnDb(target, { snapshotDir: join(dir, 'snap') });
    expect((await reopened.getMeta('snapshot')) !== undefined).toBe(true);
    await reopened.close();
  });

  it('the shipped snapshot is present, in the current format, and holds every feed', () => {
    const dir = shippedSnapshotDir();
    const manifest = readManifest(dir);
    for (const t of Object.values(manifest.tables)) expect(existsSync(join(dir, t.file))).toBe(true);
    expect(manifest.tables.vulnerabilities.rows).toBeGreaterThan(200_000);
    expect(manifest.tables.affected.rows).toBeGreaterThan(250_000);
    expect(manifest.tables.kev.rows).toBe(1404);
    expect(manifest.tables.epss.rows).toBe(360_142);
    expect(manifest.inputs.map((i) => i.path)).toContain('debian/debian-osv.jsonl.gz');
    expect(manifest.format).toBe('vigil-snapshot/2');
  });

  it('loads a format-1 snapshot (no review flag): rows read back with `reviewed` absent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-snapshot-v1-'));
    const source = await openVulnDb(join(dir, 'source.sqlite'));
    await source.import([await osvFeed(join(FEEDS, 'osv/testdata/debian-osv-sample.jsonl'))]);
    const manifest = await dumpSnapshot(source, join(dir, 'snap'), []);
    await source.close();
    // Rewrite as format 1: the manifest's name, and the affected lines without their last column.
    const snap = join(dir, 'snap');
    const lines = gunzipSync(readFileSync(join(snap, manifest.tables.affected.file)))
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.stringify((JSON.parse(l) as unknown[]).slice(0, 9)));
    writeFileSync(join(snap, manifest.tables.affected.file), gzipSync(lines.join('\n') + '\n'));
    writeFileSync(join(snap, 'manifest.json'), JSON.stringify({ ...manifest, format: 'vigil-snapshot/1' }));
    const db = await ensureVulnDb(join(dir, 'target.sqlite'), { snapshotDir: snap });
    try {
      const rows = await db.store.affected('Debian:12', ['tcpdump']);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.reviewed === undefined)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
