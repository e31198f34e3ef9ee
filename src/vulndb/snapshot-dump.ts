import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_TABLES,
  type SnapshotManifest,
  type SnapshotTable,
} from './snapshot-format.js';
import type { VulnDb } from './vuln-db.js';

/** Sort keys so a rebuilt snapshot from the same inputs is byte-identical (small git diffs). */
const ORDER: Record<SnapshotTable, readonly string[]> = {
  vulnerabilities: ['id', 'feed'],
  affected: ['ecosystem', 'package_name', 'vuln_id', 'feed', 'ranges'],
  cvss: ['cve_id', 'feed', 'source', 'vector'],
  kev: ['cve_id'],
  epss: ['cve_id'],
  feed_status: ['feed'],
};

/**
 * Writes the DB's facts as a snapshot: one gzip JSON Lines file per table, rows as arrays. Prose is
 * dropped here (summary → null) whatever the DB holds: the snapshot ships inside the product.
 */
export async function dumpSnapshot(
  db: VulnDb,
  dir: string,
  inputs: SnapshotManifest['inputs'],
): Promise<SnapshotManifest> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tables = {} as SnapshotManifest['tables'];
  for (const table of Object.keys(SNAPSHOT_TABLES) as SnapshotTable[]) {
    const file = `${table}.jsonl.gz`;
    const rows = await dumpTable(db, table, join(dir, file));
    tables[table] = { file, rows };
  }
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    builtAt: new Date().toISOString(),
    tables,
    inputs,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function dumpTable(db: VulnDb, table: SnapshotTable, path: string): Promise<number> {
  const columns = SNAPSHOT_TABLES[table];
  let n = 0;
  async function* lines(): AsyncGenerator<string> {
    let q = db.kysely.selectFrom(table).select(columns as never);
    for (const col of ORDER[table]) q = q.orderBy(col as never);
    for await (const row of q.stream(2000)) {
      const r = row as Record<string, unknown>;
      yield JSON.stringify(columns.map((c) => (c === 'summary' ? null : (r[c] ?? null)))) + '\n';
      n++;
    }
  }
  await pipeline(lines, createGzip({ level: 9 }), createWriteStream(path));
  return n;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}
