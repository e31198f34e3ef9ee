import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ecosystem } from '../../src/core/ecosystem.js';
import type { OsInfo } from '../../src/core/os-info.js';
import type { Package } from '../../src/core/package.js';
import { MATCHERS, matcherFor } from '../../src/match/matcher-registry.js';
import { schemeByName } from '../../src/version/version-registry.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import type { VulnStore } from '../../src/vulndb/vuln-types.js';

/**
 * The matcher contract the re-match index rests on: `lookupKeys(pkg, os)` names exactly the
 * (ecosystem, name) pairs `match` reads the vulnerability DB by for that package — no fewer (a change
 * to a missing key would never re-match the host), no more than it reads. Checked for every matcher
 * on packages of every ecosystem it claims, on a real (empty) vulnerability DB whose reads are recorded.
 */
const DEBIAN_12: OsInfo = { id: 'debian', idLike: [], versionId: '12', release: '12', sources: [] };
const ALPINE: OsInfo = { id: 'alpine', idLike: [], versionId: '3.19.1', release: 'v3.19', sources: [] };
const ROCKY: OsInfo = { id: 'rocky', idLike: ['rhel'], versionId: '9.3', release: '9', sources: [] };

function pkg(ecosystem: Ecosystem, name: string, version: string, extra: Partial<Package> = {}): Package {
  return {
    id: `${ecosystem}-${name}`,
    name,
    version,
    ecosystem,
    purl: `pkg:${ecosystem}/${name}@${version}`,
    filePath: '/x',
    foundBy: 'test',
    scope: 'installed',
    ...extra,
  };
}

const CASES: ReadonlyArray<{ os: OsInfo | undefined; pkgs: Package[] }> = [
  {
    os: DEBIAN_12,
    pkgs: [
      pkg('deb', 'libssl3', '3.0.11-1~deb12u2', { sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u2' }),
      pkg('deb', 'bash', '5.2.15-2+b2', { sourceName: 'bash', sourceVersion: '5.2.15-2' }),
      pkg('deb', 'tzdata', '2024a-0+deb12u1'),
      pkg('npm', 'lodash', '4.17.20'),
      pkg('pypi', 'PyYAML', '5.3'),
      pkg('pypi', 'not a version', 'garbage!!'),
    ],
  },
  { os: ALPINE, pkgs: [pkg('apk', 'musl', '1.2.4-r2', { sourceName: 'musl' })] },
  { os: ROCKY, pkgs: [pkg('rpm', 'openssl-libs', '1:3.0.7-24.el9', { sourceName: 'openssl' })] },
  {
    os: undefined,
    pkgs: [
      pkg('golang', 'golang.org/x/net', 'v0.17.0'),
      pkg('cargo', 'smallvec', '1.6.0'),
      pkg('gem', 'rack', '2.2.3'),
      pkg('maven', 'org.apache.logging.log4j:log4j-core', '2.14.1'),
      pkg('composer', 'symfony/http-kernel', '4.4.0'),
      pkg('nuget', 'Newtonsoft.Json', '12.0.1'),
      pkg('cocoapods', 'AFNetworking', '4.0.0'),
      pkg('deb', 'orphan', '1.0-1'),
    ],
  },
];

/** The real store, with every (ecosystem, name) it is asked for written down. */
function recording(inner: VulnStore, reads: Set<string>): VulnStore {
  return {
    affected: (ecosystem, names) => {
      for (const n of names) reads.add(`${ecosystem}\0${n}`);
      return inner.affected(ecosystem, names);
    },
    records: (ids) => inner.records(ids),
    cvss: (ids) => inner.cvss(ids),
    kev: (ids) => inner.kev(ids),
    epss: (ids) => inner.epss(ids),
  };
}

describe('matcher lookup keys', () => {
  let dir: string;
  let db: VulnDb;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-lookup-keys-'));
    db = await openVulnDb(join(dir, 'vulndb.sqlite'));
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries())
    it(`name exactly what match reads (case ${i}: ${c.os?.id ?? 'no OS'})`, async () => {
      let keyed = 0;
      for (const p of c.pkgs) {
        const matcher = matcherFor(p, MATCHERS);
        if (!matcher) continue;
        const reads = new Set<string>();
        const ctx = {
          store: recording(db.store, reads),
          schemes: schemeByName,
          notes: [],
          ...(c.os ? { os: c.os } : {}),
        };
        await matcher.match([p], ctx);
        const keys = matcher.lookupKeys(p, c.os).map((k) => `${k.ecosystem}\0${k.name}`);
        expect(new Set(keys), `${matcher.name} ${p.ecosystem} ${p.name}`).toEqual(reads);
        keyed += keys.length;
      }
      expect(keyed).toBeGreaterThan(0);
    });
});
