import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_INPUTS } from '../src/feeds/shared-data-feeds.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { measureOnce, median, type CommandSpec, type Measurement } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const DATA = process.env['VIGIL_SHARED_DATA'] ?? join(REPO, '..', 'shared', 'data');

/**
 * The vulnerability DB's bulk paths, each in a fresh process: `vigil db import` of every real feed in
 * ../shared/data into a new DB (targets: ≤ 60 s, ≤ 1 GB), the same import again (idempotent: all
 * unchanged), and loading the shipped snapshot into a new DB (what a fresh machine's first scan pays).
 */
export const vulndbBench: BenchSuite = {
  name: 'vulndb',
  description: 'vulnerability DB: full import of ../shared/data, re-import, snapshot load',
  async run(opts: BenchOptions): Promise<BenchReport> {
    const missing = SHARED_INPUTS.map((i) => join(DATA, i.path)).filter((p) => !existsSync(p));
    if (missing.length > 0) {
      return {
        title: 'vulndb',
        rows: [{ workload: 'import', results: [], skipped: `missing ${missing.join(', ')}` }],
        notes: [],
      };
    }
    const runs = Math.max(1, Math.min(opts.runs, 3)); // a full import is long: at most 3 runs
    const rows: BenchRow[] = [];
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-vulndb-'));
    try {
      const files = SHARED_INPUTS.map((i) => join(DATA, i.path));
      const importInto = (db: string): CommandSpec => ({
        argv: [process.execPath, join(REPO, 'bin/vigil.js'), 'db', 'import', '--db', db, ...files],
      });
      let n = 0;
      const fresh = (): string => join(scratch, `fresh-${n++}.sqlite`);
      rows.push(row('full import into a new DB (10 inputs)', await repeat(runs, () => importInto(fresh()))));
      const warm = fresh();
      await measureOnce(importInto(warm));
      rows.push(row('re-import, nothing changed', await repeat(runs, () => importInto(warm))));
      const load = (db: string): CommandSpec => ({
        argv: [
          process.execPath,
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(REPO, 'dist/vulndb/default-db.js'))}); const db = await m.ensureVulnDb(${JSON.stringify(db)}); await db.close();`,
        ],
      });
      rows.push(row('shipped snapshot → new DB (ensureVulnDb)', await repeat(runs, () => load(fresh()))));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return {
      title: `vulndb: median of ${runs} runs, each in a fresh process`,
      rows,
      notes: [
        `data: ${DATA}`,
        'targets: full import ≤ 60 s and ≤ 1 GB peak RSS; snapshot load well under a minute',
      ],
    };
  },
};

async function repeat(runs: number, make: () => CommandSpec): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (let i = 0; i < runs; i++) out.push(await measureOnce(make()));
  return out;
}

function row(workload: string, ms: Measurement[]): BenchRow {
  return {
    workload,
    results: [
      {
        tool: 'vigil',
        wallMs: median(ms.map((m) => m.wallMs)),
        peakRssKb: median(ms.map((m) => m.peakRssKb)),
      },
    ],
  };
}
