import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../core/seeded-random.js';
import { IntervalSet } from './interval-set.js';
import { formatAddress, parseAddress, parseCidr } from './ip-address.js';
import { isPublicAddress } from './public-space.js';

/** Sets over 0..63 checked against plain arrays of members. */
function randomSet(rnd: SeededRandom): { set: IntervalSet; members: Set<number> } {
  const spans = Array.from({ length: rnd.int(5) }, () => {
    const a = rnd.int(64);
    return [BigInt(a), BigInt(Math.min(63, a + rnd.int(10)))] as const;
  });
  const members = new Set<number>();
  for (const [a, b] of spans) for (let i = Number(a); i <= Number(b); i++) members.add(i);
  return { set: IntervalSet.from(spans), members };
}

const list = (s: IntervalSet): number[] =>
  Array.from({ length: 64 }, (_, i) => i).filter((i) => s.has(BigInt(i)));

describe('IntervalSet', () => {
  it('union, intersect and subtract agree with member-by-member arithmetic on 500 random pairs', () => {
    const rnd = new SeededRandom(7);
    for (let n = 0; n < 500; n++) {
      const a = randomSet(rnd);
      const b = randomSet(rnd);
      const all = Array.from({ length: 64 }, (_, i) => i);
      expect(list(a.set.union(b.set))).toEqual(all.filter((i) => a.members.has(i) || b.members.has(i)));
      expect(list(a.set.intersect(b.set))).toEqual(all.filter((i) => a.members.has(i) && b.members.has(i)));
      expect(list(a.set.subtract(b.set))).toEqual(all.filter((i) => a.members.has(i) && !b.members.has(i)));
      expect(a.set.first()).toBe(
        [...a.members].sort((x, y) => x - y)[0] === undefined ? undefined : BigInt(Math.min(...a.members)),
      );
    }
  });
});

describe('addresses', () => {
  it('parses both families, prefixes and ranges, and classifies the public internet', () => {
    expect(parseCidr('10.200.1.77/24')?.set.intervals).toEqual([
      [parseAddress('10.200.1.0')?.value, parseAddress('10.200.1.255')?.value],
    ]);
    expect(parseCidr('fd00::/8')?.family).toBe(6);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(formatAddress(6, parseAddress('2001:db8::1')?.value ?? 0n)).toBe('2001:db8::1');
    expect(isPublicAddress(4, parseAddress('8.8.8.8')?.value ?? 0n)).toBe(true);
    expect(isPublicAddress(4, parseAddress('10.1.2.3')?.value ?? 0n)).toBe(false);
    expect(isPublicAddress(4, parseAddress('203.0.113.9')?.value ?? 0n)).toBe(false);
    expect(isPublicAddress(6, parseAddress('2a00:1450::1')?.value ?? 0n)).toBe(true);
    expect(isPublicAddress(6, parseAddress('fd00::1')?.value ?? 0n)).toBe(false);
  });
});
