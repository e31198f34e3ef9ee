import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { layerStoreTotals } from '../src/source/image/layer-cache.js';
import type { BenchRow } from './bench-suite.js';
import { measureOnce, median } from './measure.js';
import { startWatchedRegistry, type WatchedRegistry } from './registry-harness.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);
/** skopeo copies in flight at once (a CI pipeline pushing many images at the same time). */
const PUSH_CONCURRENCY = 8;
const GIVE_UP_MS = 20 * 60_000;

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
type Json = Record<string, unknown>;

async function oneFileTar(name: string, body: string): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  pack.entry({ name, mode: 0o644, mtime: new Date(0) }, body);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * An OCI layout holding `n` distinct images tagged b0…b(n-1): each is the test image's `l2` (its three
 * bookworm layers, the shared base) plus one small top layer with a file naming the image.
 */
async function writeBurstLayout(base: string, dir: string, n: number): Promise<void> {
  const blobs = join(dir, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const blob = (d: string): Buffer => readFileSync(join(base, 'blobs/sha256', d.slice(7)));
  const put = (b: Buffer): string => {
    const d = sha(b);
    writeFileSync(join(blobs, d.slice(7)), b);
    return d;
  };
  const index = JSON.parse(readFileSync(join(base, 'index.json'), 'utf8')) as { manifests: Json[] };
  const l2 = index.manifests.find(
    (m) => (m['annotations'] as Json | undefined)?.['org.opencontainers.image.ref.name'] === 'l2',
  );
  if (!l2) throw new Error(`${base}: no tag l2`);
  const manifest = JSON.parse(blob(l2['digest'] as string).toString('utf8')) as Json;
  const layers = manifest['layers'] as Json[];
  for (const l of layers) {
    const d = (l['digest'] as string).slice(7);
    try {
      linkSync(join(base, 'blobs/sha256', d), join(blobs, d));
    } catch {
      copyFileSync(join(base, 'blobs/sha256', d), join(blobs, d));
    }
  }
  const config = JSON.parse(blob((manifest['config'] as Json)['digest'] as string).toString('utf8')) as Json;
  const rootfs = config['rootfs'] as { diff_ids: string[] };
  const history = (config['history'] as Json[] | undefined) ?? [];
  const entries: Json[] = [];
  for (let i = 0; i < n; i++) {
    const top = await oneFileTar('etc/vigil-burst-id', `${i}\n`);
    const gz = gzipSync(top);
    const cfg = Buffer.from(
      JSON.stringify({
        ...config,
        rootfs: { type: 'layers', diff_ids: [...rootfs.diff_ids, sha(top)] },
        history: [...history, { created_by: `burst image ${i}` }],
      }),
    );
    const m = Buffer.from(
      JSON.stringify({
        ...manifest,
        config: { ...(manifest['config'] as Json), digest: put(cfg), size: cfg.length },
        layers: [
          ...layers,
          { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: put(gz), size: gz.length },
        ],
      }),
    );
    entries.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: put(m),
      size: m.length,
      annotations: { 'org.opencontainers.image.ref.name': `b${i}` },
    });
  }
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: entries }));
}

/** Runs `work(i)` for i in 0…n-1, at most `limit` at once. */
async function bounded(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
}

/** Coverage by reason, through the API (what a user would poll). */
async function coverageByReason(base: string, key: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/v1/coverage/statistics?groupBy=SCAN_STATUS_REASON`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const body = (await res.json()) as { countsByGroup?: { count: number; groupKey: string }[] };
  return new Map((body.countsByGroup ?? []).map((g) => [g.groupKey, g.count]));
}

export function burstSize(): number {
  const n = Number(process.env['VIGIL_BENCH_BURST'] ?? 200);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`VIGIL_BENCH_BURST must be a positive integer, got ${n}`);
  return n;
}

interface BurstOutcome {
  wallMs: number;
  cpuMs: number;
  peakRssKb: number;
  /** Coverage reason → images, as the last poll saw it. */
  counts: Map<string, number>;
  layersRead: number;
  layersFromCache: number;
}

/** Pushes b0…b(n-1) 8 at a time and polls coverage until every image is settled (or GIVE_UP_MS). */
async function pushAndWait(reg: WatchedRegistry, layoutDir: string, n: number): Promise<BurstOutcome> {
  const layers0 = { ...layerStoreTotals };
  const cpu0 = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  const started = performance.now();
  const pushes = bounded(n, PUSH_CONCURRENCY, async (i) => {
    await run('skopeo', [
      'copy',
      '-q',
      '--dest-tls-verify=false',
      `oci:${layoutDir}:b${i}`,
      `docker://${reg.host}/team/burst:b${i}`,
    ]);
  });
  let pushError: Error | undefined;
  pushes.catch((err: unknown) => (pushError = err instanceof Error ? err : new Error(String(err))));
  let counts = new Map<string, number>();
  for (;;) {
    if (pushError) throw pushError;
    counts = await coverageByReason(reg.base, reg.apiKey);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const settled = [...counts].filter(([k]) => k !== 'PENDING_INITIAL_SCAN').reduce((a, [, c]) => a + c, 0);
    if (settled >= n || performance.now() - started > GIVE_UP_MS) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const wallMs = performance.now() - started;
  await pushes;
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssKb: Math.round(peakRss / 1024),
    counts,
    layersRead: layerStoreTotals.layersRead - layers0.layersRead,
    layersFromCache: layerStoreTotals.layersFromCache - layers0.layersFromCache,
  };
}

/** `vigil scan image` of one image of the burst, the layer cache off: median wall and peak RSS. */
async function baselineScan(ref: string, vulnDbPath: string, runs: number): Promise<[number, number]> {
  const wall: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measureOnce({
      argv: [
        process.execPath,
        join(REPO, 'bin/vigil.js'),
        'scan',
        'image',
        ref,
        '--db',
        vulnDbPath,
        '--format',
        'json',
      ],
      env: { ...process.env, VIGIL_LAYER_CACHE: '0' },
    });
    wall.push(m.wallMs);
    rss.push(m.peakRssKb);
  }
  return [median(wall), median(rss)];
}

/**
 * Burst: `n` distinct images sharing the bookworm base pushed with skopeo (8 at a time) to
 * docker-registry, whose notifications reach the in-process server (layer cache on, empty at the
 * start, server defaults otherwise); timed from the first push to coverage SUCCESSFUL for all `n`
 * (polled through the API). Baseline: `vigil scan image` of b0 with the layer cache off.
 */
export async function burstRow(layout: string, vulnDbPath: string, runs: number): Promise<BenchRow> {
  const n = burstSize();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-burst-'));
  const reg = await startWatchedRegistry(vulnDbPath, { VIGIL_LAYER_CACHE: '1' });
  try {
    await writeBurstLayout(layout, join(dir, 'layout'), n);
    const load = loadavg()[0] ?? 0;
    const b = await pushAndWait(reg, join(dir, 'layout'), n);
    const withFindings = await reg.db.kysely
      .selectFrom('findings')
      .select((eb) => eb.fn.count<number>('resource_id').distinct().as('n'))
      .where('repository_name', '=', `${reg.host}/team/burst`)
      .executeTakeFirstOrThrow();
    const [baseWall, baseRss] = await baselineScan(`${reg.host}/team/burst:b0`, vulnDbPath, runs);
    const reads = b.layersRead + b.layersFromCache;
    const share = reads === 0 ? 0 : b.layersFromCache / reads;
    // Per image, so the table's ratio column reads as time per image vs. one scan of one image.
    return {
      workload: `burst of ${n} images (bookworm base + 1 layer)`,
      results: [
        {
          tool: `push ×${n} → findings, per image`,
          wallMs: b.wallMs / n,
          peakRssKb: b.peakRssKb,
          cpuMs: b.cpuMs / n,
          note:
            `${(b.wallMs / 1000).toFixed(1)} s in all, ${(n / (b.wallMs / 1000)).toFixed(2)} images/s; ` +
            `${b.counts.get('SUCCESSFUL') ?? 0}/${n} SUCCESSFUL, ${Number(withFindings.n)} with findings; ` +
            `layers: ${b.layersFromCache} from cache, ${b.layersRead} read ` +
            `(${(share * 100).toFixed(1)}% of layer reads saved); load ${load.toFixed(1)} at start`,
        },
        { tool: 'vigil scan image b0 (baseline, cache off)', wallMs: baseWall, peakRssKb: baseRss },
      ],
    };
  } finally {
    await reg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
