import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { measureOnce, median } from './measure.js';
import { burstRow } from './registry-burst.js';
import { startWatchedRegistry } from './registry-harness.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * Push to findings: the 3-layer bookworm test image pushed with skopeo to Debian's docker-registry,
 * whose notifications reach an in-process vigil server; measured from the start of `skopeo copy` to the
 * scan the push queued SUCCEEDED (findings written). Baseline: `vigil scan image` of the same image
 * from the same registry in the same run. Both with the layer cache off (VIGIL_LAYER_CACHE=0).
 */
export const registryBench: BenchSuite = {
  name: 'registry',
  description: 'push to findings through registry notifications, and a burst of pushes, vs vigil scan image',
  async run(opts: BenchOptions): Promise<BenchReport> {
    const img = fromTestFixtures(
      "import { builtImage } from './test/image/fixtures/image-builder.ts'; process.stdout.write((await builtImage()).layout);",
    );
    const vdb = fromTestFixtures(
      "import { matchingDbPath } from './test/matching/fixtures/matching-db.ts'; process.stdout.write(await matchingDbPath());",
    );
    if ('error' in img || 'error' in vdb) {
      const why = 'error' in img ? img.error : 'error' in vdb ? vdb.error : '';
      return {
        title: 'registry',
        rows: [{ workload: 'push to findings', results: [], skipped: why }],
        notes: [],
      };
    }
    const row = await pushToFindings(img.out, vdb.out, opts.runs);
    const burst = await burstRow(img.out, vdb.out, opts.runs);
    return {
      title: `registry: median of ${opts.runs} runs each (the burst: one run)`,
      rows: [row, burst],
      notes: [
        'issue 13 target: push to findings ≤ 1.5× vigil scan image + 1 s',
        'the push includes skopeo copy (blobs already in the registry after the first run)',
        'burst: wall from the first of the skopeo pushes (8 at a time) to coverage SUCCESSFUL for every image (API polled);',
        '  CPU and peak RSS are the bench process (the server runs in it; skopeo and docker-registry are not counted);',
        '  layer cache on and empty at the start; set VIGIL_BENCH_BURST=N for a smaller burst',
      ],
    };
  },
};

async function pushToFindings(layout: string, vulnDbPath: string, runs: number): Promise<BenchRow> {
  const reg = await startWatchedRegistry(vulnDbPath, { VIGIL_LAYER_CACHE: '0' });
  const { db, host } = reg;
  try {
    const pushed: number[] = [];
    const baseline: number[] = [];
    const baselineRss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      execFileSync(
        'skopeo',
        ['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:l2`, `docker://${host}/team/app:r${i}`],
        {
          stdio: 'ignore',
        },
      );
      const scansBefore = i;
      for (;;) {
        const done = await db.kysely
          .selectFrom('scans')
          .select('id')
          .where('status', 'in', ['SUCCEEDED', 'FAILED'])
          .execute();
        if (done.length > scansBefore) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      pushed.push(performance.now() - started);
      const m = await measureOnce({
        argv: [
          process.execPath,
          join(REPO, 'bin/vigil.js'),
          'scan',
          'image',
          `${host}/team/app:r${i}`,
          '--db',
          vulnDbPath,
          '--format',
          'json',
        ],
        env: { ...process.env, VIGIL_LAYER_CACHE: '0' },
      });
      baseline.push(m.wallMs);
      baselineRss.push(m.peakRssKb);
    }
    return {
      workload: '3-layer bookworm image (~200 MB)',
      results: [
        // The server runs in this process: its peak RSS is this process's (vulnerability DB and all).
        {
          tool: 'push → findings (notification)',
          wallMs: median(pushed),
          peakRssKb: process.resourceUsage().maxRSS,
        },
        { tool: 'vigil scan image (baseline)', wallMs: median(baseline), peakRssKb: median(baselineRss) },
      ],
    };
  } finally {
    await reg.close();
  }
}
