import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { EPSS_CSV, KEV_JSON, openMatchingDb } from './fixtures/matching-db.js';

let db: VulnDb;
let findings: Finding[];
let kev: Set<string>;
let epss: Map<string, number>;
let tmp: string;

beforeAll(async () => {
  db = await openMatchingDb();
  const bullseye = await scanTarget(
    { kind: 'directory', path: await debianRootfs({ suite: 'bullseye' }) },
    { store: db.store },
  );
  const pypi = await scanTarget(
    { kind: 'directory', path: new URL('./testdata/pypi-app', import.meta.url).pathname },
    { store: db.store },
  );
  // bookworm with glibc set back to 2.36-9: CVE-2023-4911 ("Looking Glass") is in KEV.
  const root = await debianRootfs({ suite: 'bookworm' });
  tmp = mkdtempSync(join(tmpdir(), 'vigil-enrichment-'));
  mkdirSync(join(tmp, 'etc'));
  mkdirSync(join(tmp, 'var/lib/dpkg'), { recursive: true });
  cpSync(join(root, 'usr/lib/os-release'), join(tmp, 'etc/os-release'));
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  writeFileSync(join(tmp, 'var/lib/dpkg/status'), status);
  const old = await scanTarget({ kind: 'directory', path: tmp }, { store: db.store });
  findings = [...bullseye.findings, ...pypi.findings, ...old.findings];
  // The test's own reading of the publishers' files, not vigil's importer.
  const doc = JSON.parse(readFileSync(KEV_JSON, 'utf8')) as { vulnerabilities: { cveID: string }[] };
  kev = new Set(doc.vulnerabilities.map((v) => v.cveID));
  epss = new Map();
  for (const line of gunzipSync(readFileSync(EPSS_CSV)).toString('utf8').split('\n')) {
    const [cve, score] = line.split(',');
    if (cve?.startsWith('CVE-') && score) epss.set(cve, Number(score));
  }
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

function cves(f: Finding): string[] {
  const d = f.packageVulnerabilityDetails;
  return [d?.vulnerabilityId ?? '', ...(d?.relatedVulnerabilities ?? [])].filter((id) =>
    id.startsWith('CVE-'),
  );
}

describe('KEV, EPSS and severity on every finding', () => {
  it('exploitAvailable is YES exactly for findings whose CVEs CISA KEV lists', () => {
    expect(findings.length).toBeGreaterThan(150);
    for (const f of findings) {
      expect(f.exploitAvailable, f.title).toBe(cves(f).some((c) => kev.has(c)) ? 'YES' : 'NO');
    }
    const inKev = findings.filter((f) => f.exploitAvailable === 'YES');
    expect(inKev.length).toBeGreaterThan(0);
    for (const f of inKev) expect(f.exploitabilityDetails?.kevDateAdded).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(inKev.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId)).toContain('CVE-2023-4911');
    console.log(
      `enrichment: ${findings.length} findings, ${inKev.length} in KEV, ${findings.filter((f) => f.epss).length} with EPSS`,
    );
  });

  it('epss is the highest EPSS score among the finding’s CVEs', () => {
    for (const f of findings) {
      const scores = cves(f).flatMap((c) => (epss.has(c) ? [epss.get(c) as number] : []));
      if (scores.length === 0) expect(f.epss, f.title).toBeUndefined();
      else expect(f.epss?.score, f.title).toBeCloseTo(Math.max(...scores), 6);
    }
  });

  it('severity follows the score bands, else the vendor’s word, else UNTRIAGED', () => {
    const band = (s: number): string =>
      s === 0 ? 'INFORMATIONAL' : s < 4 ? 'LOW' : s < 7 ? 'MEDIUM' : s < 9 ? 'HIGH' : 'CRITICAL';
    for (const f of findings) {
      const d = f.packageVulnerabilityDetails;
      if (f.score !== undefined) {
        expect(f.severity, f.title).toBe(band(f.score));
        const chosen = d?.cvss.find(
          (c) => c.source === f.scoreDetails?.source && c.version === f.scoreDetails.cvssVersion,
        );
        expect(
          chosen,
          `${f.title} ${JSON.stringify(f.scoreDetails)} ${JSON.stringify(d?.cvss)}`,
        ).toBeDefined();
      } else {
        expect(d?.cvss ?? []).toEqual([]);
        const v = d?.vendorSeverity;
        if (!v) expect(f.severity, f.title).toBe('UNTRIAGED');
      }
    }
  });
});
