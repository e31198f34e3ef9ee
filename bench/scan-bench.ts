import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanTarget } from '../src/scan/scan-service.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { compareMedians } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * `vigil scan fs` on the debootstrap bookworm rootfs with a warm DB (imported beforehand from
 * ../shared/data by the test fixture, and read once before timing): the CLI end to end, and the scan
 * service alone in this process (inventory + matching + enrichment, no Node start-up).
 */
export const scanBench: BenchSuite = {
  name: 'scan',
  description: 'vigil scan fs on the bookworm rootfs with a warm vulnerability DB',
  async run(opts: BenchOptions): Promise<BenchReport> {
    const fixtures = fixturePaths();
    if ('error' in fixtures) {
      return {
        title: 'scan',
        rows: [{ workload: 'bookworm rootfs', results: [], skipped: fixtures.error }],
        notes: [],
      };
    }
    const { rootfs, db } = fixtures;
    const cli = await compareMedians(
      {
        vigil: {
          argv: [
            process.execPath,
            join(REPO, 'bin/vigil.js'),
            'scan',
            'fs',
            rootfs,
            '--db',
            db,
            '--format',
            'json',
          ],
        },
      },
      opts.runs,
    );
    const rows: BenchRow[] = [
      {
        workload: 'bookworm rootfs, CLI (node start-up included)',
        results: Object.entries(cli).map(([tool, m]) => ({ tool, ...m })),
      },
      ...(await inProcess(rootfs, db, opts.runs)),
    ];
    return {
      title: `scan: median of ${opts.runs} runs, warm DB`,
      rows,
      notes: [
        `DB: ${db} (Debian OSV, GHSA, PYSEC, KEV, EPSS, composite CVSS; imported by vigil's importer)`,
        'in-process: scanTarget() only; peak RSS there is the whole bench process',
      ],
    };
  },
};

async function inProcess(rootfs: string, dbPath: string, runs: number): Promise<BenchRow[]> {
  const db = await openVulnDb(dbPath);
  try {
    // One unmeasured run warms the page cache and gives the inventory the matching-only rows reuse.
    const warm = await scanTarget({ kind: 'directory', path: rootfs }, { store: db.store });
    const whole = await timed(runs, () =>
      scanTarget({ kind: 'directory', path: rootfs }, { store: db.store }),
    );
    const inventory = warm.inventory;
    const matching = await timed(runs, () =>
      scanTarget({ kind: 'inventory', inventory }, { store: db.store }),
    );
    const rss = Math.round(process.memoryUsage().rss / 1024);
    const note = `${warm.findings.length} findings, ${inventory.packages.length} packages`;
    return [
      {
        workload: 'bookworm rootfs, scan service in-process',
        results: [{ tool: 'vigil', wallMs: whole, peakRssKb: rss, note }],
      },
      {
        workload: 'bookworm, matching + enrichment only (inventory given)',
        results: [{ tool: 'vigil', wallMs: matching, peakRssKb: rss, note }],
      },
    ];
  } finally {
    await db.close();
  }
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

/** Both fixtures come from the test fixture code (through tsx), so bench and tests share one cache. */
function fixturePaths(): { rootfs: string; db: string } | { error: string } {
  const r = fromTestFixtures(
    "import { debianRootfs } from './test/fixtures/debian-rootfs.ts';" +
      "import { matchingDbPath } from './test/matching/fixtures/matching-db.ts';" +
      "process.stdout.write(JSON.stringify({ rootfs: await debianRootfs({ suite: 'bookworm' }), db: await matchingDbPath() }));",
  );
  if ('out' in r) return JSON.parse(r.out) as { rootfs: string; db: string };
  return { error: `fixtures unavailable (debootstrap rootfs, ../shared/data): ${r.error}` };
}
