import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpkgCataloger } from '../../src/catalog/dpkg/dpkg-cataloger.js';
import { scanTarget, type ScanResult } from '../../src/scan/scan-service.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { DEBIAN_SUITES, debianRootfs, type DebianSuite } from '../fixtures/debian-rootfs.js';
import { compareTuples, debianOracle, vigilTuples } from './fixtures/debian-oracle.js';
import { openMatchingDb } from './fixtures/matching-db.js';

const RELEASE: Record<DebianSuite, string> = { bullseye: '11', bookworm: '12', trixie: '13' };

let db: VulnDb;
beforeAll(async () => {
  db = await openMatchingDb();
});
afterAll(async () => {
  await db.close();
});

async function scanRootfs(root: string): Promise<ScanResult> {
  return scanTarget(
    { kind: 'directory', path: root },
    { store: db.store, inventory: { catalogers: [dpkgCataloger] } },
  );
}

/** No (record, source package) pair may be reported by two findings: one vulnerability, one finding. */
function expectOneFindingPerRecordAndPackage(result: ScanResult): void {
  const seen = new Map<string, string>();
  for (const f of result.findings) {
    // A deferred DSA rides along with each of its CVEs' findings by design; only deciding records count.
    for (const r of f.packageVulnerabilityDetails?.matches ?? []) {
      if (r.deferredTo) continue;
      const key = `${r.recordId}\0${r.packageName}`;
      const other = seen.get(key);
      expect(other === undefined || other === f.id, `${key} in two findings`).toBe(true);
      seen.set(key, f.id);
    }
  }
}

function summarize(label: string, tuples: readonly string[][]): string {
  const fixed = tuples.filter((t) => t[2] !== 'unfixed').length;
  return `${label}: ${tuples.length} (record, source package) matches, ${fixed} fixed, ${tuples.length - fixed} unfixed`;
}

describe('Debian matching equals a libapt-pkg oracle over the Debian OSV records', () => {
  for (const suite of DEBIAN_SUITES) {
    it(`${suite}: same (record, source package, fixed|unfixed, version) set`, async () => {
      const root = await debianRootfs({ suite });
      const [result, oracle] = await Promise.all([
        scanRootfs(root),
        debianOracle(root, `Debian:${RELEASE[suite]}`),
      ]);
      expect(result.inventory.os?.id).toBe('debian');
      const mine = vigilTuples(result.findings);
      expect(mine).toEqual(oracle.matches.sort(compareTuples));
      expectOneFindingPerRecordAndPackage(result);
      expect(result.notes.filter((n) => n.kind !== 'eol-release')).toEqual([]);
      console.log(
        `${summarize(`${suite} (Debian:${RELEASE[suite]})`, mine)}; ${result.findings.length} findings; oracle saw ${oracle.sources} source packages, deferred ${oracle.deferred} advisory matches`,
      );
    });
  }
});

/**
 * bookworm's real status file with several source packages set back to their bookworm release versions
 * (taken from the Debian OSV records' own `versions` lists), so fixed findings must appear.
 */
const HISTORIC: Record<string, string> = {
  glibc: '2.36-9',
  gnutls28: '3.7.9-2',
  perl: '5.36.0-7',
  tar: '1.34+dfsg-1.2',
  systemd: '252.6-1',
  'util-linux': '2.38.1-5',
  pam: '1.5.2-6',
  libcap2: '1:2.66-4',
};

function rewriteStatus(text: string): { text: string; rewritten: number } {
  let rewritten = 0;
  const stanzas = text.split(/\n\n/).map((stanza) => {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    const src = /^Source: ([^\s(]+)(?: \((.+)\))?$/m.exec(stanza);
    const srcName = src?.[1] ?? pkg;
    const old = srcName ? HISTORIC[srcName] : undefined;
    if (!old) return stanza;
    rewritten++;
    // Binaries whose own version differs from the source's keep it; only the source version moves then.
    let s = stanza;
    if (src?.[2]) s = s.replace(/^Source: .+$/m, `Source: ${srcName} (${old})`);
    else s = s.replace(/^Version: .+$/m, `Version: ${old}`);
    return s;
  });
  return { text: stanzas.join('\n\n'), rewritten };
}

describe('a dpkg status with historic versions', () => {
  let dir: string;
  beforeAll(async () => {
    const root = await debianRootfs({ suite: 'bookworm' });
    dir = mkdtempSync(join(tmpdir(), 'vigil-historic-'));
    for (const p of ['etc/os-release', 'usr/lib/os-release', 'etc/debian_version', 'var/lib/dpkg']) {
      cpSync(join(root, p), join(dir, p), { recursive: true, dereference: false });
    }
    const status = join(dir, 'var/lib/dpkg/status');
    const { text, rewritten } = rewriteStatus(readFileSync(status, 'utf8'));
    expect(rewritten).toBeGreaterThan(10);
    writeFileSync(status, text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports fixed findings with the fixed versions the oracle computes', async () => {
    const [result, oracle] = await Promise.all([scanRootfs(dir), debianOracle(dir, 'Debian:12')]);
    const mine = vigilTuples(result.findings);
    expect(mine).toEqual(oracle.matches.sort(compareTuples));
    const fixed = mine.filter((t) => t[2] !== 'unfixed');
    for (const src of ['glibc', 'gnutls28', 'perl', 'tar']) {
      expect(
        fixed.some((t) => t[1] === src),
        `fixed findings for ${src}`,
      ).toBe(true);
    }
    // Every fixed finding says which version fixes it, and only where a fix exists.
    for (const f of result.findings) {
      const pkgs = f.packageVulnerabilityDetails?.vulnerablePackages ?? [];
      for (const p of pkgs) expect(p.fixedInVersion === 'NotAvailable').toBe(f.fixAvailable === 'NO');
    }
    const glibc = result.findings.find(
      (f) =>
        f.packageVulnerabilityDetails?.vulnerabilityId === 'CVE-2023-4911' &&
        f.packageVulnerabilityDetails.vulnerablePackages.some((p) => p.sourceName === 'glibc'),
    );
    expect(glibc?.fixAvailable).toBe('YES');
    expect(glibc?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion).toBe('2.36-9+deb12u3');
    expect(glibc?.packageVulnerabilityDetails?.relatedVulnerabilities).toContain('DSA-5514-1');
    expectOneFindingPerRecordAndPackage(result);
    console.log(
      `${summarize('bookworm historic', mine)}; ${result.findings.length} findings; deferred ${oracle.deferred} advisory matches`,
    );
  });
});
