import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apkVersionScheme, compareApkVersions } from './apk-version.js';

// Debian package golang-github-knqyf263-go-apk-version-dev ships apk-tools' own version test data
// (test/version.data), transcribed as Go source; it is read here as data, never executed.
const VECTORS = '/usr/share/gocode/src/github.com/knqyf263/go-apk-version/version_testcase.go';

interface Vector {
  readonly a: string;
  readonly op: '<' | '=' | '>';
  readonly b: string;
}

function readVectors(): Vector[] {
  const text = readFileSync(VECTORS, 'utf8');
  return [...text.matchAll(/^\s*\{"([^"]*)", "([<=>])", "([^"]*)"\},/gm)].map((m) => ({
    a: m[1] ?? '',
    op: (m[2] ?? '=') as Vector['op'],
    b: m[3] ?? '',
  }));
}

const SIGN = { '<': -1, '=': 0, '>': 1 } as const;

describe('apk versions against apk-tools test vectors', () => {
  const vectors = readVectors();

  it('reads all 728 vectors', () => {
    expect(vectors.length).toBe(728);
  });

  it('agrees with every vector whose versions are both valid; the rest are invalid on purpose', () => {
    const valid = vectors.filter((v) => apkVersionScheme.isValid(v.a) && apkVersionScheme.isValid(v.b));
    const wrong = valid.filter((v) => Math.sign(compareApkVersions(v.a, v.b)) !== SIGN[v.op]);
    const invalid = vectors.filter((v) => !valid.includes(v));
    console.log(
      `apk vectors: ${valid.length - wrong.length}/${valid.length} agree; ${invalid.length} hold an invalid version`,
      invalid.map((v) => `${v.a} ${v.op} ${v.b}`),
    );
    expect(wrong).toEqual([]);
    expect(valid.length).toBeGreaterThan(700);
  });

  // Where the Go port (go-apk-version) answers wrongly: a component of zeros ("1.0", "6.0") followed by
  // a pre-release suffix. The port says 1.0 < 1.0_rc1 and 6.0_pre1 > 6.0; apk-tools orders every
  // _alpha/_beta/_pre/_rc before the release, as its own vector "1.1 > 1.1_alpha1" does for non-zero
  // components. These are additions, not overrides: no vector of the file is changed.
  it.each([
    ['1.0', '>', '1.0_rc1'],
    ['6.0_pre1', '<', '6.0'],
    ['1.0_alpha', '<', '1.0'],
    ['2.0_rc1-r0', '<', '2.0-r0'],
    ['1.0', '<', '1.0_p1'],
    ['1.0_rc1', '<', '1.0_rc1-r1'],
  ] as const)('%s %s %s (known wrong in the Go port where it involves a zero component)', (a, op, b) => {
    expect(Math.sign(compareApkVersions(a, b))).toBe(SIGN[op]);
    expect(Math.sign(compareApkVersions(b, a))).toBe(-SIGN[op]);
  });
});
