import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { jsonLines } from './line-reader.js';
import {
  READABLE_SNAPSHOT_FORMATS,
  SNAPSHOT_FORMAT,
  SNAPSHOT_TABLES,
  type SnapshotManifest,
  type SnapshotTable,
} from './snapshot-format.js';
import type { VulnDb } from './vuln-db.js';
import { VulnDbError } from './vuln-db-error.js';
import { appendImportLog } from './import-log.js';

const CHUNK = 400;

/** data/snapshot of the installed package (src/vulndb or dist/vulndb → ../../data/snapshot). */
export function shippedSnapshotDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'snapshot');
}

export function readManifest(dir: string): SnapshotManifest {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as SnapshotManifest;
  const format: unknown = manifest.format;
  if (typeof format !== 'string' || !READABLE_SNAPSHOT_FORMATS.includes(format)) {
    throw new VulnDbError(`snapshot ${dir} has format ${String(format)}, expected ${SNAPSHOT_FORMAT}`, {
      dir,
    });
  }
  return manifest;
}

/**
 * Loads a snapshot into an empty DB in one transaction (all or nothing). Rows go straight into the
 * tables: the snapshot is already a consistent DB image, so the per-record import logic is not needed.
 */
export async function loadSnapshot(
  db: VulnDb,
  dir: string,
  onProgress?: (table: string, rows: number) => void,
): Promise<SnapshotManifest> {
  const manifest = readManifest(dir);
  await db.kysely.transaction().execute(async (trx) => {
    for (const table of Object.keys(SNAPSHOT_TABLES) as SnapshotTable[]) {
      const columns = SNAPSHOT_TABLES[table];
      let batch: never[] = [];
      let n = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        // Column lists come from SNAPSHOT_TABLES, checked against the schema types at compile time.
        await trx.insertInto(table).values(batch).execute();
        n += batch.length;
        batch = [];
        onProgress?.(table, n);
      };
      const file = join(dir, manifest.tables[table].file);
      for await (const line of jsonLines(createReadStream(file).pipe(createGunzip()))) {
        if (!line.ok || !Array.isArray(line.value)) {
          throw new VulnDbError(`snapshot ${file} line ${line.line} is not a row`, { file });
        }
        const values = line.value as unknown[];
        batch.push(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? null])) as never);
        if (batch.length >= CHUNK) await flush();
      }
      await flush();
    }
    // Everything may have changed: whoever re-matches from the log re-matches everything.
    await appendImportLog(trx, {
      kind: 'snapshot',
      feeds: ['snapshot'],
      finishedAt: new Date().toISOString(),
      changeSet: null,
    });
  });
  await db.setMeta(
    'snapshot',
    JSON.stringify({ builtAt: manifest.builtAt, loadedAt: new Date().toISOString() }),
  );
  return manifest;
}
