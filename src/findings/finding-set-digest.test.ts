import { describe, expect, it } from 'vitest';
import { FindingSetDigest } from './finding-set-digest.js';

/** Findings as (package key, vulnerability id, digest): what the set digest counts. */
const findings: Array<[string, string, string]> = Array.from({ length: 300 }, (_, i) => [
  `deb:pkg${i % 40}`,
  `CVE-2026-${1000 + i}`,
  `digest-${i}`,
]);

const sum = (list: ReadonlyArray<[string, string, string]>): FindingSetDigest => {
  const d = new FindingSetDigest();
  for (const [k, v, m] of list) d.addFinding(k, v, m);
  return d;
};

describe('FindingSetDigest', () => {
  it('does not depend on order or grouping, and tells sets apart', () => {
    const whole = sum(findings).toString();
    expect(whole).toMatch(/^[0-9a-f]{32}$/);
    expect(sum([...findings].reverse()).toString()).toBe(whole);
    const grouped = new FindingSetDigest();
    for (let i = 0; i < findings.length; i += 7) grouped.addSet(sum(findings.slice(i, i + 7)));
    expect(grouped.toString()).toBe(whole);
    // One finding less, one digest changed, one vulnerability moved to another package: all differ.
    const variants = [
      findings.slice(1),
      findings.map((f, i): [string, string, string] => (i === 5 ? [f[0], f[1], 'other'] : f)),
      findings.map((f, i): [string, string, string] => (i === 9 ? ['deb:elsewhere', f[1], f[2]] : f)),
    ];
    for (const v of variants) expect(sum(v).toString()).not.toBe(whole);
    expect(new FindingSetDigest().toString()).toBe('0'.repeat(32));
  });

  it('parses what it prints; taking a subset out and adding its replacement gives the new set', () => {
    const whole = sum(findings);
    const parsed = FindingSetDigest.parse(whole.toString());
    expect(parsed?.toString()).toBe(whole.toString());
    // As a delta check-in carries it: the scope's findings out, the scope's new findings in.
    const scope = findings.filter((f) => f[0] === 'deb:pkg3');
    const replaced: Array<[string, string, string]> = [['deb:pkg3', 'CVE-2026-9999', 'new']];
    const outside = findings.filter((f) => f[0] !== 'deb:pkg3');
    const carried = parsed?.subtractSet(sum(scope)).addSet(sum(replaced));
    expect(carried?.toString()).toBe(sum([...outside, ...replaced]).toString());
    for (const other of [
      '',
      'd'.repeat(31),
      'A'.repeat(32),
      'x'.repeat(32),
      'abc_defABC-0123456789abcdefghij',
    ])
      expect(FindingSetDigest.parse(other)).toBeUndefined();
  });
});
