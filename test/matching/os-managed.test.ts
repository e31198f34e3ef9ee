import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { languagePackageMatcher } from '../../src/match/language-package-matcher.js';
import { matcherFor } from '../../src/match/matcher-registry.js';
import { scanTarget, type ScanResult } from '../../src/scan/scan-service.js';
import { schemeByName } from '../../src/version/version-registry.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { openMatchingDb } from './fixtures/matching-db.js';

let db: VulnDb;
let result: ScanResult;
beforeAll(async () => {
  db = await openMatchingDb();
  const root = await debianRootfs({ suite: 'bookworm', include: ['python3-yaml', 'python3-urllib3'] });
  result = await scanTarget({ kind: 'directory', path: root }, { store: db.store });
});
afterAll(async () => {
  await db.close();
});

describe('OS-managed language packages (DESIGN §4)', () => {
  it('are inventoried, marked with their owning Debian package, and claimed by no matcher', () => {
    const py = result.inventory.packages.filter((p) => p.ecosystem === 'pypi');
    const names = py.map((p) => p.name.toLowerCase());
    expect(names).toEqual(expect.arrayContaining(['pyyaml', 'urllib3']));
    for (const p of py) {
      expect(p.osManagedBy?.ecosystem, p.name).toBe('deb');
      expect(matcherFor(p)).toBeUndefined();
    }
  });

  it('produce no PyPI findings, although PyPI advisories would have matched them', async () => {
    const pypiFindings = result.findings.filter((f) =>
      f.packageVulnerabilityDetails?.matches.some((m) => m.ecosystem === 'PyPI'),
    );
    expect(pypiFindings).toEqual([]);
    // The same packages, had they not been OS-managed, do match upstream advisories (urllib3 1.26.12 has
    // several fixed upstream in later 1.26.x that Debian backported): the test above can fail.
    const unmanaged = result.inventory.packages
      .filter((p) => p.ecosystem === 'pypi')
      .map(({ osManagedBy: _o, ...p }) => p);
    const wouldBe = await languagePackageMatcher.match(unmanaged, {
      store: db.store,
      schemes: schemeByName,
      notes: [],
    });
    expect(wouldBe.length).toBeGreaterThan(0);
    // Their owning source packages are matched through Debian's data instead.
    const debSources = new Set(
      result.findings.flatMap(
        (f) => f.packageVulnerabilityDetails?.matches.map((m) => `${m.ecosystem} ${m.packageName}`) ?? [],
      ),
    );
    console.log(
      `OS-managed: ${unmanaged.length} pypi packages; ${wouldBe.length} PyPI matches suppressed; Debian matches on python-urllib3: ${debSources.has('Debian:12 python-urllib3')}, pyyaml: ${debSources.has('Debian:12 pyyaml')}`,
    );
  });
});
