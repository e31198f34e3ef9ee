import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disagreements, linePairOracle, type OracleAnswer } from '../testing/oracle-process.js';
import { sharedData } from '../../../test/fixtures/shared-data.js';
import { GHSA_OSV, osvVersionsByEcosystem } from '../testing/osv-versions.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareGoVersions, goVersionScheme } from './go-version.js';

type Pair = readonly [string, string];
const SOURCE = join(import.meta.dirname, 'testdata/xmod-semver-compare.go');
const GO_VULNDB = sharedData('osv/go-vulndb.osv.jsonl.gz');

/** x/mod/semver wants the `v`; OSV writes module versions without it. */
const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);

// GOPATH mode finds x/mod where the Debian package puts it; no module download.
const GO_ENV = { GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };
// What goVersionToSemver reads as a toolchain version (no x/mod answer for those).
const TOOLCHAIN = /^go|^1\.[0-9]+(?:rc|beta|alpha)/;

function xmodOracle(pairs: readonly Pair[]): OracleAnswer[] {
  const input = pairs.map(([a, b]) => [withV(a), withV(b)] as const);
  return linePairOracle('go', ['run', SOURCE], input, GO_ENV);
}

describe('go module versions against golang.org/x/mod/semver', () => {
  let versions: string[] = [];
  let pairs: Pair[] = [];

  beforeAll(() => {
    const ghsa = osvVersionsByEcosystem(GHSA_OSV)['Go'] ?? [];
    const vulndb = osvVersionsByEcosystem(GO_VULNDB)['Go'] ?? [];
    versions = [...new Set([...ghsa, ...vulndb])].sort();
    const rnd = new SeededRandom(1);
    const valid = versions.filter((v) => goVersionScheme.isValid(v));
    const random: Pair[] = Array.from({ length: 3000 }, () => [rnd.pick(valid), rnd.pick(valid)] as const);
    const sorted = rnd.shuffle(valid).slice(0, 2500).sort(compareGoVersions);
    const adjacent: Pair[] = sorted.slice(1).map((v, i) => [sorted[i] ?? v, v] as const);
    const forms = [
      (v: string): string => `${v}+incompatible`,
      (v: string): string => `${v.replace(/[-+].*$/, '')}-0.20240102030405-0123456789ab`,
      (v: string): string => `${v.replace(/[-+].*$/, '')}-rc.1.0.20240102030405-0123456789ab`,
      (v: string): string => v.replace(/^(\d+)\.(\d+)\.0$/, '$1.$2'),
      (v: string): string => v.replace(/^(\d+)\.0\.0$/, '$1'),
      (v: string): string => `${v.replace(/[-+].*$/, '')}-beta.2`,
    ];
    const variants: Pair[] = Array.from({ length: 1500 }, () => {
      const v = rnd.pick(valid);
      return [rnd.pick(forms)(v), rnd.next() < 0.5 ? v : rnd.pick(forms)(v)] as const;
    });
    pairs = [...random, ...adjacent, ...variants].filter(
      ([a, b]) => !TOOLCHAIN.test(a) && !TOOLCHAIN.test(b),
    );
  });

  it('accepts exactly the module versions x/mod accepts', () => {
    const modules = versions.filter((v) => !TOOLCHAIN.test(v));
    const oracle = xmodOracle(modules.map((v) => [v, v] as const));
    const differ = modules.filter((v, i) => goVersionScheme.isValid(v) !== (oracle[i] !== 'invalid'));
    const rejected = modules.filter((v) => !goVersionScheme.isValid(v));
    console.log(
      `go: ${modules.length} OSV module versions, ${rejected.length} invalid`,
      rejected.slice(0, 12),
    );
    expect(modules.length).toBeGreaterThan(1000);
    expect(differ).toEqual([]);
  });

  it('orders real and pseudo-versions as x/mod does', () => {
    const wrong = disagreements(pairs, xmodOracle(pairs), compareGoVersions);
    console.log(`go vs x/mod/semver: ${pairs.length - wrong.length}/${pairs.length} agree`);
    expect(pairs.length).toBeGreaterThan(5000);
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  // Toolchain versions have no order in Go 1.19's library; these follow govulncheck's mapping of Go
  // tags to SemVer (go1.21rc1 → v1.21.0-rc.1) and the release history (rc before the .0 release).
  it.each([
    ['go1.20', '<', 'go1.20.1'],
    ['go1.20', '=', '1.20.0'],
    ['go1.21rc1', '<', 'go1.21rc2'],
    ['go1.21rc2', '<', 'go1.21.0'],
    ['go1.9beta2', '<', 'go1.9rc1'],
    ['go1.21.3', '=', '1.21.3'],
    ['1.21rc1', '=', 'go1.21rc1'],
    ['go1.21.10', '>', 'go1.21.9'],
  ] as const)('%s %s %s', (a, op, b) => {
    expect(Math.sign(compareGoVersions(a, b))).toBe({ '<': -1, '=': 0, '>': 1 }[op]);
  });
});
