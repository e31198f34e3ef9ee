import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { FINDINGS_CSV_COLUMNS as CSV_COLUMNS } from '../../src/reports/formats/findings/findings-csv.js';
import { cyclonedxErrors } from '../cli/sbom-checks.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { parseCsv, vigil } from './fixtures/cli-run.js';
import { matchingDbPath } from './fixtures/matching-db.js';

type Json = Record<string, unknown>;
interface JsonReport {
  findings: Finding[];
  summary: { total: number; bySeverity: Record<string, number> };
  ignored: { ruleId: string; vulnerabilityId: string; reason: string }[];
}

let root: string;
let db: string;
let tmp: string;
let json: JsonReport;

beforeAll(async () => {
  // bullseye from the main archive only: it has fixed and unfixed findings side by side.
  root = await debianRootfs({ suite: 'bullseye' });
  db = await matchingDbPath();
  tmp = mkdtempSync(join(tmpdir(), 'vigil-scan-cli-'));
  const r = await vigil('scan', 'fs', root, '--db', db, '--format', 'json');
  expect(r.code).toBe(0);
  json = JSON.parse(r.stdout) as JsonReport;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function packageRows(findings: readonly Finding[]): number {
  return findings.reduce((n, f) => n + (f.packageVulnerabilityDetails?.vulnerablePackages.length ?? 0), 0);
}

describe('vigil scan fs: JSON findings (DESIGN §3)', () => {
  it('carries the Inspector-shaped fields', () => {
    expect(json.findings.length).toBeGreaterThan(50);
    expect(json.summary.total).toBe(json.findings.length);
    for (const f of json.findings) {
      expect(f.type).toBe('PACKAGE_VULNERABILITY');
      expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED']).toContain(f.severity);
      expect(['YES', 'NO', 'PARTIAL']).toContain(f.fixAvailable);
      expect(['YES', 'NO']).toContain(f.exploitAvailable);
      const d = f.packageVulnerabilityDetails;
      expect(d?.vulnerabilityId).toMatch(/^(CVE|DSA|DLA|DTSA)-/);
      for (const p of d?.vulnerablePackages ?? []) {
        expect(p).toMatchObject({ filePath: '/var/lib/dpkg/status' });
        expect(p.purl).toMatch(/^pkg:deb\/debian\//);
        expect(p.sourceName).toBeTruthy();
        expect(p.fixedInVersion).toBeTruthy();
      }
      if (f.score !== undefined) expect(f.scoreDetails?.baseScore).toBe(f.score);
      expect(d?.matches.length).toBeGreaterThan(0);
    }
    const perl = json.findings.find(
      (f) => f.packageVulnerabilityDetails?.vulnerabilityId === 'CVE-2023-31484',
    );
    expect(perl).toMatchObject({ fixAvailable: 'YES', severity: 'HIGH', score: 8.1 });
    expect(perl?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion).toBe('5.32.1-4+deb11u4');
  });
});

describe('other formats', () => {
  it('table: grouped by severity, fits 100 columns, ends with a summary line', async () => {
    const r = await vigil('scan', 'fs', root, '--db', db);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    const headings = lines.filter((l) =>
      /^(CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL|UNTRIAGED) \(\d+\)$/.test(l),
    );
    const order = headings.map((h) => h.split(' ')[0]);
    expect(order).toEqual(
      ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED'].filter((s) => order.includes(s)),
    );
    expect(r.stdout).toContain(`${json.findings.length} findings in`);
    expect(r.stdout).toMatch(/5\.32\.1-4\+deb11u4/);
  });

  it('sarif: SARIF 2.1.0 structure, every result pointing at its rule', async () => {
    const r = await vigil('scan', 'fs', root, '--db', db, '--format', 'sarif');
    const sarif = JSON.parse(r.stdout) as Json;
    expect(sarif['version']).toBe('2.1.0');
    expect(sarif['$schema']).toMatch(/sarif-2\.1\.0/);
    const run = (sarif['runs'] as Json[])[0] as Json;
    const driver = (run['tool'] as Json)['driver'] as Json;
    expect(driver['name']).toBe('vigil');
    const rules = driver['rules'] as Json[];
    const results = run['results'] as Json[];
    expect(results.length).toBe(packageRows(json.findings));
    expect(new Set(rules.map((x) => x['id'])).size).toBe(rules.length);
    for (const res of results) {
      expect(['error', 'warning', 'note']).toContain(res['level']);
      expect((rules[res['ruleIndex'] as number] as Json)['id']).toBe(res['ruleId']);
      expect(typeof (res['message'] as Json)['text']).toBe('string');
      const loc = ((res['locations'] as Json[])[0] as Json)['physicalLocation'] as Json;
      expect((loc['artifactLocation'] as Json)['uri']).toBe('var/lib/dpkg/status');
    }
  });

  it('cyclonedx: a valid CycloneDX 1.5 document with one vulnerability per finding', async () => {
    const r = await vigil('scan', 'fs', root, '--db', db, '--format', 'cyclonedx');
    expect(await cyclonedxErrors(r.stdout)).toBeNull();
    const bom = JSON.parse(r.stdout) as Json;
    const vulns = bom['vulnerabilities'] as Json[];
    expect(vulns.length).toBe(json.findings.length);
    const refs = new Set((bom['components'] as Json[]).map((c) => c['bom-ref']));
    for (const v of vulns) for (const a of v['affects'] as Json[]) expect(refs.has(a['ref'])).toBe(true);
  });

  it('csv: round-trips to the same values as JSON, one row per vulnerable package', async () => {
    const out = join(tmp, 'findings.csv');
    const r = await vigil('scan', 'fs', root, '--db', db, '--format', 'csv', '--output', out);
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.length).toBe(packageRows(json.findings));
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const fromJson = json.findings.flatMap((f) =>
      (f.packageVulnerabilityDetails?.vulnerablePackages ?? []).map((p) =>
        [
          f.packageVulnerabilityDetails?.vulnerabilityId,
          p.name,
          p.version,
          p.fixedInVersion,
          f.severity,
        ].join('|'),
      ),
    );
    const fromCsv = rows.map((x) =>
      [
        x[col('vulnerabilityId')],
        x[col('packageName')],
        x[col('installedVersion')],
        x[col('fixedInVersion')],
        x[col('severity')],
      ].join('|'),
    );
    expect(fromCsv.sort()).toEqual(fromJson.sort());
  });
});

describe('flags', () => {
  it('--fail-on exits 3 at or above the threshold, 0 below it', async () => {
    expect((await vigil('scan', 'fs', root, '--db', db, '--format', 'json', '--fail-on', 'high')).code).toBe(
      3,
    );
    const lowOnly = await vigil(
      'scan',
      'fs',
      root,
      '--db',
      db,
      '--format',
      'json',
      '--severity',
      'LOW',
      '--fail-on',
      'CRITICAL',
    );
    expect(lowOnly.code).toBe(0);
    const shown = (JSON.parse(lowOnly.stdout) as JsonReport).findings;
    expect(shown.length).toBe(json.summary.bySeverity['LOW']);
  });

  it('--ignore-unfixed hides findings without a fix', async () => {
    const r = await vigil('scan', 'fs', root, '--db', db, '--format', 'json', '--ignore-unfixed');
    const shown = (JSON.parse(r.stdout) as JsonReport).findings;
    expect(shown.length).toBe(json.findings.filter((f) => f.fixAvailable !== 'NO').length);
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.every((f) => f.fixAvailable !== 'NO')).toBe(true);
  });

  it('--ignore-file applies live rules, records them, and warns about expired ones', async () => {
    const file = join(tmp, 'vigil-ignore.yaml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - id: perl-accepted',
        '    vulnerability: CVE-2023-31484',
        '    reason: perl is only used at build time',
        '    expires: 2999-12-31',
        '  - id: old-waiver',
        '    vulnerability: CVE-2024-0727',
        '    reason: waiver ran out',
        '    expires: 2020-01-01',
        '  - id: no-libsepol',
        '    package: libsepol1',
        '    path: var/lib/dpkg/**',
        '    reason: selinux is disabled',
      ].join('\n'),
    );
    const r = await vigil('scan', 'fs', root, '--db', db, '--format', 'json', '--ignore-file', file);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as JsonReport;
    const ids = rep.findings.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId);
    expect(ids).not.toContain('CVE-2023-31484');
    expect(ids).toContain('CVE-2024-0727');
    expect(rep.findings.some((f) => f.title.includes('libsepol1'))).toBe(false);
    expect(rep.ignored.map((a) => a.ruleId)).toContain('perl-accepted');
    expect(rep.ignored.filter((a) => a.ruleId === 'no-libsepol').length).toBeGreaterThan(0);
    expect(rep.findings.length + rep.ignored.length).toBe(json.findings.length);
    expect(r.stderr).toMatch(/old-waiver expired/);
  });

  it('usage errors exit 2 before scanning', async () => {
    expect((await vigil('scan', 'fs', root, '--db', db, '--format', 'xml')).code).toBe(2);
    expect((await vigil('scan', 'fs', root, '--db', join(tmp, 'missing.sqlite'))).code).toBe(2);
    expect((await vigil('scan', 'fs', root, '--db', db, '--fail-on', 'SEVERE')).code).toBe(2);
  });
});
