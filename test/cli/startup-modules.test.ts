import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../src/checks/benchmarks/benchmark-registry.js';
import { ASSESS_BENCHMARK_IDS } from '../../src/cli/commands/assess-command.js';
import { buildCli, REPO, runCli } from './built-cli.js';

/**
 * What a command loads decides its start-up time and memory (issue 11: `--version` took 0.74 s and
 * 108 MiB because every command loaded the whole application). The CLI runs with a module tracer
 * preloaded, and each case names what must stay unloaded: a regression fails here, without timing.
 */
const TRACER = join(REPO, 'test/cli/testdata/module-trace.mjs');
const DISTROLESS = join(REPO, 'src/catalog/dpkg/testdata/distroless');

/** Server, service DB and matching: none of it belongs on a path that only inventories. */
const SERVER_ONLY = [
  'node_modules/fastify/',
  'node_modules/@fastify/',
  'node_modules/@sinclair/typebox/',
  'node_modules/kysely/',
  'node_modules/pg/',
  'node_modules/better-sqlite3/',
  'node_modules/ae-cvss-calculator/',
  'dist/server/',
  'dist/jobs/',
  'dist/scan/',
  'dist/store/service-db.js',
  'dist/vulndb/',
  'dist/match/',
  'dist/findings/',
  'dist/resources/',
  'dist/accounts/',
  'dist/events/',
];

let work: string;
let n = 0;

beforeAll(async () => {
  await buildCli();
  work = mkdtempSync(join(tmpdir(), 'vigil-startup-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `vigil ARGS` under the tracer; the loaded modules as paths relative to the checkout. */
async function modulesOf(args: string[]): Promise<string[]> {
  const trace = join(work, `trace-${n++}.txt`);
  const r = await runCli(args, {
    prefix: ['env', `VIGIL_MODULE_TRACE=${trace}`],
    nodeArgs: ['--import', TRACER],
  });
  expect(r.code, r.stderr).toBe(0);
  const urls = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  return [
    ...new Set(
      urls.filter((u) => u.startsWith('file://')).map((u) => decodeURI(u).replace(`file://${REPO}`, '')),
    ),
  ];
}

const loaded = (modules: string[], prefix: string): string[] => modules.filter((m) => m.includes(prefix));

describe('what each command loads', () => {
  it('vigil --version alone loads the version constant only: no commander, no command table', async () => {
    const modules = await modulesOf(['--version']);
    expect(modules.filter((m) => m.startsWith('dist/') || m.startsWith('node_modules/'))).toEqual([
      'dist/cli/vigil-version.js',
    ]);
  });

  const light = [
    ['-V', '--help'],
    ['--help'],
    ['sbom', '--help'],
    ['scan', 'fs', '--help'],
    ['server', '--help'],
    ['db', 'status', '--help'],
    ['assess', 'fs', '--help'],
    ['admin', 'create-enrollment-token', '--help'],
    ['agent', '--help'],
    ['apply', '--help'],
  ];
  it.each(light.map((args) => [args.join(' '), args]))(
    'vigil %s loads commander and the command registrations only',
    async (_name, args) => {
      const modules = await modulesOf(args);
      const dist = modules.filter((m) => m.startsWith('dist/'));
      const packages = modules.filter((m) => m.startsWith('node_modules/'));
      // The registrations, and the small modules their flags are parsed and their defaults shown with
      // (durations, process roles; the agent's defaults and limits, without its spool or child-process code): no packages.
      const registrations = new RegExp(
        '^dist/(cli/|core/(errors/|json-error-reason\\.js|identifier-text\\.js|duration\\.js|process-role\\.js)|' +
          'reports/formats/sbom/sbom-formats\\.js|store/service-db-defaults\\.js|checks/model/check-model\\.js|' +
          'agent/(agent-config|agent-limits)\\.js)',
      );
      expect(dist.filter((m) => !registrations.test(m))).toEqual([]);
      expect(dist).toContain('dist/cli/cli-main.js');
      expect(new Set(packages.map((m) => m.split('/')[1]))).toEqual(new Set(['commander']));
    },
  );

  it('vigil sbom loads the catalogers but nothing of the server, the service DB or the CycloneDX library', async () => {
    const modules = await modulesOf(['sbom', DISTROLESS, '-f', 'json', '-o', join(work, 'inv.json')]);
    // The tracer sees the catalog (ES modules) and packages: the absences below are real.
    expect(loaded(modules, 'dist/catalog/dpkg/dpkg-cataloger.js')).toHaveLength(1);
    expect(loaded(modules, 'node_modules/packageurl-js/').length).toBeGreaterThan(0);
    for (const prefix of [
      ...SERVER_ONLY,
      'node_modules/@cyclonedx/',
      'node_modules/yaml/',
      'node_modules/fast-xml-parser/',
    ])
      expect(loaded(modules, prefix), prefix).toEqual([]);
  });

  it('vigil sbom -f cyclonedx-json loads the CycloneDX library (and still nothing of the server)', async () => {
    const modules = await modulesOf([
      'sbom',
      DISTROLESS,
      '-f',
      'cyclonedx-json',
      '-o',
      join(work, 'bom.json'),
    ]);
    expect(loaded(modules, 'node_modules/@cyclonedx/cyclonedx-library/').length).toBeGreaterThan(0);
    // Its parts, not its index: the index would also load its validators (ajv) and XML serializer.
    expect(loaded(modules, 'node_modules/ajv/')).toEqual([]);
    for (const prefix of SERVER_ONLY) expect(loaded(modules, prefix), prefix).toEqual([]);
  });
});

describe('vigil assess help', () => {
  it('names the benchmarks the registry has (the list is kept in the CLI so help loads no checks)', () => {
    expect(ASSESS_BENCHMARK_IDS).toEqual(BENCHMARKS.map((b) => b.id));
  });
});
