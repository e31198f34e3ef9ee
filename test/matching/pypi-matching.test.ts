import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { GHSA_OSV, PYPA_OSV, openMatchingDb } from './fixtures/matching-db.js';

const run = promisify(execFile);
const PROJECT = new URL('./testdata/pypi-app', import.meta.url).pathname;
const ORACLE = new URL('./oracle/pypi_osv_oracle.py', import.meta.url).pathname;

let db: VulnDb;
beforeAll(async () => {
  db = await openMatchingDb();
});
afterAll(async () => {
  await db.close();
});

describe('PyPI matching equals pip’s PEP 440 code over the GHSA and PYSEC records', () => {
  it('a pinned requirements.txt and a poetry.lock with old versions', async () => {
    const [result, oracleOut] = await Promise.all([
      scanTarget({ kind: 'directory', path: PROJECT }, { store: db.store }),
      run('/usr/bin/python3', [ORACLE, PROJECT, GHSA_OSV, PYPA_OSV], { maxBuffer: 64 * 1024 * 1024 }),
    ]);
    const { matches: oracle, superseded } = JSON.parse(oracleOut.stdout) as {
      matches: string[];
      superseded: string[];
    };
    const pypi = result.inventory.packages.filter((p) => p.ecosystem === 'pypi');
    expect(pypi.length).toBe(17);
    const mine = new Set<string>();
    for (const f of result.findings) {
      for (const r of f.packageVulnerabilityDetails?.matches ?? []) {
        if (r.ecosystem === 'PyPI') mine.add(`${r.recordId} ${r.packageName} ${r.comparedVersion}`);
      }
    }
    expect([...mine].sort()).toEqual(oracle);
    expect(oracle.length).toBeGreaterThan(100);
    // The reviewed-advisory rule dropped exactly what the oracle's own reading of it drops, each with a note.
    const notes = result.notes.filter((n) => n.kind === 'superseded');
    expect(notes.map((n) => n.recordId).sort()).toEqual(superseded.map((k) => k.split(' ')[0]).sort());
    expect(superseded).toContain('PYSEC-2021-108 urllib3 1.24.1');
    // GHSA and PYSEC name the same vulnerabilities: merged, one finding per (vulnerability, package).
    const findingsFor = (name: string, id: string) =>
      result.findings.filter(
        (f) =>
          f.packageVulnerabilityDetails?.vulnerablePackages.some((p) => p.name.toLowerCase() === name) &&
          [
            f.packageVulnerabilityDetails.vulnerabilityId,
            ...f.packageVulnerabilityDetails.relatedVulnerabilities,
          ].includes(id),
      );
    const pyyaml = findingsFor('pyyaml', 'CVE-2020-14343');
    expect(pyyaml).toHaveLength(1);
    expect(pyyaml[0]?.packageVulnerabilityDetails?.vulnerabilityId).toBe('CVE-2020-14343');
    expect(pyyaml[0]?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion).toBe('5.4');
    // urllib3 1.24.1: PYSEC-2021-108 says affected from 0, the reviewed GHSA-q2q7-5pp4-w6pg from 1.25.4.
    expect(findingsFor('urllib3', 'CVE-2021-33503')).toEqual([]);
    const ids = new Set(
      result.findings.map((f) => `${f.packageVulnerabilityDetails?.vulnerabilityId} ${f.title}`),
    );
    expect(ids.size).toBe(result.findings.length);
    console.log(
      `PyPI: ${pypi.length} packages, ${mine.size} (record, package, version) matches = oracle, ${superseded.length} superseded by a reviewed GHSA; ${result.findings.length} findings after alias merging; ${result.notes.length} notes`,
    );
  });
});
