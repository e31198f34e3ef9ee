import { describe, expect, it } from 'vitest';
import { LANGUAGE_ECOSYSTEMS, OS_ECOSYSTEMS } from '../core/ecosystem.js';
import { VERSION_SCHEMES, schemeByName, schemeForEcosystem } from './version-registry.js';
import type { VersionSchemeName } from './version-scheme.js';
import { versionSchemeContract, type SchemeSamples } from './version-scheme.contract.js';

// Known ascending orders, each taken from the scheme's own documentation or tool behaviour.
const SAMPLES: Partial<Record<VersionSchemeName, SchemeSamples>> = {
  deb: {
    ascending: [
      '0~~',
      '0~',
      ['0', '0-0', '0:0', '00'],
      '0.1~rc1',
      '0.1',
      '0.1-1~bpo12+1',
      '0.1-1',
      '0.1-1+deb12u1',
      '0.1-1.1',
      '0.1a',
      '0.1+b1',
      '0.1.0',
      '1.0',
      '1.0a',
      '1.0+',
      '1.00.1',
      '10',
      '1:0.1',
      '2:0~',
    ],
    invalid: ['', 'a1.0', '1.0-', ':1.0', 'x:1.0', '1.0 1', '1.0-1_2', '1.0_1', '99999999999:1'],
  },
  rpm: {
    ascending: [
      '1.0~rc1-1',
      '1.0',
      ['1.0-1', '1.0-01', '1.0-1.', '0:1.0-1'],
      '1.0-1.el9',
      '1.0-2',
      '1.0^20240101-1',
      '1.0a-1',
      '1.0.1-1',
      '1.1-1',
      '1.10-1',
      '2-1',
      '1:0.1-1',
      '2:0~a-0',
    ],
    invalid: ['', '1.0-', '-1', 'x:1.0', '1.0-1 2', '%{version}', '1.0-1/2'],
  },
  apk: {
    ascending: [
      '0.01',
      '0.1_alpha',
      '0.1_alpha1',
      '0.1_beta',
      '0.1_pre2',
      '0.1_rc1',
      '0.1',
      '0.1-r1',
      '0.1_p1',
      '0.1a',
      '0.1.1',
      '1.0_git20240101',
      '1.0_git20240101-r1',
      '1.0_git20240101~0a1',
      '1.0_git20240101~b2',
      '1.0.0-r0',
      '1.2',
      '10',
    ],
    invalid: [
      '',
      'a1',
      '1.0bc',
      '1.0_foo',
      '1.0-x1',
      '1.0!',
      '1.0-r',
      '1.0~',
      '1.0~xyz',
      '1.0-r1_p1',
      '1..0',
    ],
  },
  semver: {
    ascending: [
      '0.0.1',
      '1.0.0-0',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      ['1.0.0', 'v1.0.0', '=1.0.0', '1.0.0+build.5', ' 1.0.0 ', '1', '1.0'],
      '1.0.1',
      '1.10.0',
      '2.0.0',
    ],
    invalid: ['', 'x.y.z', '1.0.0.0', 'latest', '1.2.x', '^1.2.3', '1.0.0-beta..1'],
  },
  pep440: {
    ascending: [
      '1.0.dev0',
      '1.0a1.dev1',
      ['1.0a1', '1.0alpha1', '1.0.a1', '1.0-a1'],
      '1.0b2',
      ['1.0rc1', '1.0c1', '1.0pre1'],
      ['1.0', '1.0.0', 'v1.0'],
      '1.0+abc.5',
      ['1.0.post1', '1.0-1', '1.0.rev1'],
      '1.0.1',
      '1.1.dev1',
      '1.10',
      '1!0.1',
    ],
    invalid: ['', 'one', '1.0-beta-x', '1..0', '1.0+'],
  },
  maven: {
    ascending: [
      '1-alpha-1',
      ['1-alpha2', '1-a2', '1.0-alpha-2'],
      '1-beta-1',
      ['1-milestone-1', '1-m1'],
      ['1-rc1', '1-cr1', '1.0-RC1'],
      '1-SNAPSHOT',
      ['1', '1.0', '1.0.0', '1-ga', '1-final', '1.0-release', '1-0'],
      '1-sp',
      '1-abc',
      '1-1',
      '1.0.1',
      '1.1',
      '1.10',
      '2.0-alpha1',
      '2.0',
    ],
    invalid: ['', '1.0 beta', '1.0/2', 'ünicode'],
  },
  go: {
    ascending: [
      'v0.0.0-20190101000000-abcdefabcdef',
      'v0.0.0-20240101000000-abcdefabcdef',
      ['0', 'v0.0.0'],
      ['v0.1.0', '0.1.0', 'v0.1'],
      'v1.0.0-rc.1',
      ['v1.0.0', 'v1', '1.0.0'],
      'v1.2.0',
      ['go1.20', '1.20.0', 'go1.20.0'],
      ['go1.21rc1', '1.21rc1', '1.21.0-rc.1'],
      'go1.21rc2',
      ['go1.21.0', '1.21'],
      'go1.21.3',
      'v2.0.0+incompatible',
      'v2.0.1-0.20240101000000-abcdefabcdef',
    ],
    invalid: ['', 'latest', 'v1.2.3.4', 'v01.2.3', '(devel)', 'v1.2-pre', 'vv1.0.0'],
  },
  gem: {
    ascending: [
      '0.9',
      '1.0.a',
      '1.0.a.2',
      '1.0.b1',
      '1.0.rc1',
      ['1', '1.0', '1.0.0'],
      '1.0.1',
      '1.1',
      '1.10',
      '2.0.0.pre',
      '2.0.0',
    ],
    invalid: ['', 'junk', '1.0!', '1..0'],
  },
  nuget: {
    ascending: [
      '0.9.9',
      '1.0.0-alpha',
      ['1.0.0-Alpha.1', '1.0.0-alpha.1'],
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      ['1.0', '1.0.0', '1.0.0.0', '1.0.0+meta', '01.0.0'],
      '1.0.0.1',
      '1.0.1',
      '1.1',
      '10.0.0',
    ],
    invalid: ['', '1.0.0.0.0', 'v1.0.0', '1.0.0-', '1.0.0-beta..1', 'abc'],
  },
  composer: {
    ascending: [
      '1.0.0-dev',
      ['1.0.0-alpha1', '1.0.0-a1', 'v1.0.0-alpha.1', '1.0.0.0-ALPHA1'],
      '1.0.0-beta2',
      ['1.0.0-RC1', '1.0.0-rc.1'],
      ['1.0.0', '1.0', 'v1', '1.0.0.0', '1.0.0+build', '1.0.0-stable'],
      ['1.0.0-patch1', '1.0.0-pl1', '1.0.0-p1'],
      '1.0.1',
      '1.2.x-dev',
      '1.10.0',
      '2.0.0',
      '20240101',
    ],
    invalid: ['', 'dev-main', 'master', 'not a version', '1.0.0-foo'],
  },
};

describe('version registry', () => {
  it('lists every scheme once, by its own name', () => {
    const names = VERSION_SCHEMES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of VERSION_SCHEMES) expect(schemeByName(s.name)).toBe(s);
  });

  it('maps every ecosystem to a scheme', () => {
    const expected: Record<string, VersionSchemeName> = {
      deb: 'deb',
      rpm: 'rpm',
      apk: 'apk',
      npm: 'semver',
      cargo: 'semver',
      pypi: 'pep440',
      maven: 'maven',
      golang: 'go',
      gem: 'gem',
      nuget: 'nuget',
      composer: 'composer',
      pub: 'semver',
      hex: 'semver',
      swift: 'semver',
      cocoapods: 'semver',
      conan: 'semver',
    };
    for (const e of [...OS_ECOSYSTEMS, ...LANGUAGE_ECOSYSTEMS])
      expect(schemeForEcosystem(e).name).toBe(expected[e]);
  });
});

for (const scheme of VERSION_SCHEMES) {
  describe(`version scheme contract: ${scheme.name}`, () => {
    const samples = SAMPLES[scheme.name];
    if (!samples) {
      it('has samples for the contract suite', () => {
        expect.fail(`no contract samples for scheme ${scheme.name}`);
      });
      return;
    }
    versionSchemeContract(scheme, samples);
  });
}
