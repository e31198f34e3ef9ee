import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildCli, runCli } from '../cli/built-cli.js';
import { cyclonedxErrors } from '../cli/sbom-checks.js';
import { matchingDbPath } from '../matching/fixtures/matching-db.js';
import { exampleFiles, expectedSuppressed, removeDir, TESTDATA } from './vex-examples.js';

let db: string;
let dir: string;
let bom: string;
let cdxVex: string;
let baseline: Finding[];

const OURS = ['jackson-openvex.json', 'jackson-openvex-later.json', 'jackson-cyclonedx.json'].map((n) =>
  join(TESTDATA, n),
);

async function scan(
  ...extra: string[]
): Promise<{ code: number | null; findings: Finding[]; stderr: string }> {
  const r = await runCli(['scan', 'sbom', bom, '--format', 'json', '--db', db, ...extra]);
  const findings = r.stdout ? (JSON.parse(r.stdout) as { findings: Finding[] }).findings : [];
  return { code: r.code, findings, stderr: r.stderr };
}

const ids = (fs: Finding[]): string[] => fs.map((f) => f.id).sort();
const suppressed = (fs: Finding[]): string[] => ids(fs.filter((f) => f.status === 'SUPPRESSED'));
const json = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  [db] = await Promise.all([matchingDbPath(), buildCli()]);
  // The CycloneDX project's VEX example and the SBOM it refers to (a Maven app with jackson 2.10.0).
  ({
    dir,
    paths: [bom = '', cdxVex = ''],
  } = await exampleFiles(['VEX/bom.json', 'VEX/vex.json']));
  const base = await scan('--fail-on', 'LOW');
  expect(base.code, base.stderr).toBe(3);
  baseline = base.findings;
});
afterAll(() => removeDir(dir));

describe('vigil scan sbom --vex (real scan of the CycloneDX VEX example SBOM)', () => {
  it('the SBOM has real jackson-databind findings, none suppressed without --vex', () => {
    expect(baseline.length).toBeGreaterThanOrEqual(5);
    expect(suppressed(baseline)).toEqual([]);
  });

  it("the CycloneDX project's VEX example suppresses exactly its one finding (CVE-2020-25649)", async () => {
    const r = await scan('--vex', cdxVex);
    expect(r.code, r.stderr).toBe(0);
    expect(ids(r.findings)).toEqual(ids(baseline));
    const s = r.findings.filter((f) => f.status === 'SUPPRESSED');
    expect(s.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId)).toEqual(['CVE-2020-25649']);
    expect(suppressed(r.findings)).toEqual(expectedSuppressed([json(cdxVex)], baseline));
    expect(s[0]?.suppression?.reason).toMatch(/^VEX not_affected \(code_not_reachable\): Automated dataflow/);
    expect(s[0]?.suppression).toMatchObject({
      source: {
        type: 'VEX',
        documentId: cdxVex,
        format: 'cyclonedx',
        statementIndex: 0,
        product:
          'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar',
      },
    });
  });

  it('SARIF output carries a SARIF suppression on exactly the suppressed results', async () => {
    const r = await runCli(['scan', 'sbom', bom, '--db', db, '--vex', cdxVex, '-f', 'sarif']);
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout) as {
      runs: Array<{
        results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification: string }> }>;
      }>;
    };
    const results = sarif.runs[0]?.results ?? [];
    expect(results).toHaveLength(baseline.length);
    expect(results.filter((x) => x.suppressions).map((x) => x.ruleId)).toEqual(['CVE-2020-25649']);
    expect(results.find((x) => x.suppressions)?.suppressions?.[0]).toMatchObject({ kind: 'external' });
  });

  it('CycloneDX output is valid 1.5 and gives the suppressed finding its VEX analysis', async () => {
    const r = await runCli([
      'scan',
      'sbom',
      bom,
      '--db',
      db,
      '--vex',
      ...OURS.slice(0, 1),
      '-f',
      'cyclonedx',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await cyclonedxErrors(r.stdout)).toBeNull();
    const vulns = (
      JSON.parse(r.stdout) as { vulnerabilities: Array<{ id: string; analysis?: { state: string } }> }
    ).vulnerabilities;
    expect(vulns).toHaveLength(baseline.length);
    expect(
      vulns
        .filter((v) => v.analysis)
        .map((v) => `${v.id} ${v.analysis?.state ?? ''}`)
        .sort(),
    ).toEqual(['CVE-2020-36518 not_affected', 'CVE-2022-42003 resolved']);
  });

  it('several documents (OpenVEX and CycloneDX, ours and the example): exactly the oracle set, the rest unchanged', async () => {
    const files = [...OURS, cdxVex];
    const r = await scan(...files.flatMap((f) => ['--vex', f]));
    expect(r.code, r.stderr).toBe(0);
    const want = expectedSuppressed(files.map(json), baseline);
    expect(want.length).toBeGreaterThanOrEqual(4);
    expect(suppressed(r.findings)).toEqual(want);
    const vulnOf = (id: string): string | undefined =>
      baseline.find((f) => f.id === id)?.packageVulnerabilityDetails?.vulnerabilityId;
    // Read off the documents by hand: 42003 (fixed, by GHSA alias), 46877 (later document), 42004
    // (CycloneDX, later than nothing), 25649 (the example); 36518 is exploitable per the CycloneDX one.
    expect(want.map(vulnOf).sort()).toEqual([
      'CVE-2020-25649',
      'CVE-2021-46877',
      'CVE-2022-42003',
      'CVE-2022-42004',
    ]);
    const strip = (f: Finding): Finding => {
      // The lifecycle times are the scan's clock; everything the scan decided must be the same.
      const {
        status: _s,
        suppressedBy: _b,
        suppression: _x,
        firstObservedAt: _f,
        lastObservedAt: _l,
        updatedAt: _u,
        ...rest
      } = f;
      return rest as Finding;
    };
    expect(r.findings.map(strip)).toEqual(baseline.map(strip));
  });

  it('--fail-on does not count suppressed findings; the table shows the justification', async () => {
    const all = join(dir, 'all.openvex.json');
    writeFileSync(
      all,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://vigil.example/vex/all',
        author: 'vigil test suite',
        timestamp: '2026-03-01T00:00:00Z',
        version: 1,
        statements: baseline.map((f) => ({
          vulnerability: { name: f.packageVulnerabilityDetails?.vulnerabilityId },
          products: [{ '@id': 'pkg:maven/com.fasterxml.jackson.core/jackson-databind' }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        })),
      }),
    );
    // Without VEX the same scan exits 3 (the baseline ran with --fail-on LOW).
    const quiet = await scan('--fail-on', 'LOW', '--vex', all);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(suppressed(quiet.findings)).toEqual(ids(baseline));
    const table = await runCli(['scan', 'sbom', bom, '--db', db, '--vex', cdxVex, '--fail-on', 'LOW']);
    expect(table.code).toBe(3);
    expect(table.stdout).toContain('  suppressed: VEX not_affected (code_not_reachable)');
    expect(table.stdout).toContain('1 suppressed by VEX');
  });

  it('a bad --vex file fails before the scan, with a stable code and no output', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [] }));
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify({ '@context': 'https://openvex.dev/ns/v7' }));
    for (const [file, code] of [
      [bad, 'VEX_INVALID'],
      [old, 'VEX_UNSUPPORTED_VERSION'],
      [join(dir, 'missing.json'), 'VEX_INVALID'],
    ] as const) {
      const r = await runCli(['scan', 'sbom', bom, '--format', 'json', '--db', db, '--vex', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(code);
      expect(r.stdout).toBe('');
    }
  });
});
