import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../src/accounts/api-keys.js';
import { createRegistry } from '../src/resources/registries/registry-store.js';
import { buildServer } from '../src/server/server-app.js';
import { SecretBox } from '../src/store/secret-box.js';
import { openServiceDb } from '../src/store/service-db.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { measureOnce, median } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Push to findings: the 3-layer bookworm test image pushed with skopeo to Debian's docker-registry,
 * whose notifications reach an in-process vigil server; measured from the start of `skopeo copy` to the
 * scan the push queued SUCCEEDED (findings written). Baseline: `vigil scan image` of the same image
 * from the same registry in the same run. Both with the layer cache off (VIGIL_LAYER_CACHE=0).
 */
export const registryBench: BenchSuite = {
  name: 'registry',
  description: 'push to findings through registry notifications vs vigil scan image of the same image',
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
    return {
      title: `registry: median of ${opts.runs} runs each`,
      rows: [row],
      notes: [
        'issue 13 target: push to findings ≤ 1.5× vigil scan image + 1 s',
        'the push includes skopeo copy (blobs already in the registry after the first run)',
        'not measured yet: the 200-image burst and its layer-cache savings',
      ],
    };
  },
};

async function pushToFindings(layout: string, vulnDbPath: string, runs: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-registry-'));
  const before = { cache: process.env['VIGIL_CACHE_DIR'], layer: process.env['VIGIL_LAYER_CACHE'] };
  process.env['VIGIL_CACHE_DIR'] = join(dir, 'cache');
  process.env['VIGIL_LAYER_CACHE'] = '0';
  const db = await openServiceDb({ url: `sqlite:${join(dir, 'vigil.sqlite')}` });
  const vulns = await openVulnDb(vulnDbPath);
  const secrets = SecretBox.ephemeral();
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('accounts')
    .values({
      id: 'bench',
      name: 'bench',
      organization_id: null,
      host_scanning: 1,
      image_scanning: 1,
      network_scanning: 1,
      created_at: now,
    })
    .execute();
  await createApiKey(db.kysely, { accountId: 'bench', role: 'admin' });
  const app = await buildServer({
    db,
    store: vulns.store,
    secrets,
    config: { egressAllow: ['127.0.0.1'], pollIntervalMs: 50 },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const { registry, notificationSecret } = await createRegistry(
    db.kysely,
    secrets,
    'bench',
    { name: 'bench', url: host, discovery: 'NOTIFICATIONS' },
    now,
  );
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: ${host}`,
      'notifications:',
      '  endpoints:',
      '    - name: vigil',
      `      url: ${base}/v1/registry-events/${registry.id}`,
      '      headers:',
      `        Authorization: [Bearer ${notificationSecret}]`,
      '      timeout: 5s',
      '      threshold: 3',
      '      backoff: 1s',
      '      ignoredmediatypes:',
      '        - application/octet-stream',
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`http://${host}/v2/`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
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
    child.kill('SIGTERM');
    await app.close();
    await db.close();
    await vulns.close();
    rmSync(dir, { recursive: true, force: true });
    if (before.cache === undefined) delete process.env['VIGIL_CACHE_DIR'];
    else process.env['VIGIL_CACHE_DIR'] = before.cache;
    if (before.layer === undefined) delete process.env['VIGIL_LAYER_CACHE'];
    else process.env['VIGIL_LAYER_CACHE'] = before.layer;
  }
}
