import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/seeded-random.js';
import { prefixUpperBound, storedForm } from './prefix-range.js';

/** Where UTF-8 changes length or order parts from UTF-16, and what cannot grow (U+10FFFF). */
const EDGES = [
  'a',
  'z',
  '\u007f',
  '\u0080',
  '\u07ff',
  '\u0800',
  '\ud7ff',
  '\ue000',
  '\ufffd',
  '\uffff',
  '\u{10000}',
  '\u{10fffe}',
  '\u{10ffff}',
  '\ud800', // lone surrogates: stored as U+FFFD
  '\udfff',
];

/** The order SQLite's BINARY and PostgreSQL's "C" use: memcmp of the UTF-8 the driver sends. */
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const inRange = (s: string, prefix: string): boolean => {
  const upper = prefixUpperBound(prefix);
  return (
    Buffer.compare(bytes(prefix), bytes(s)) <= 0 &&
    (upper === undefined || Buffer.compare(bytes(s), bytes(upper)) < 0)
  );
};

function randomString(r: SeededRandom, max: number): string {
  let s = '';
  for (let n = Math.floor(r.next() * (max + 1)); n > 0; n--) s += EDGES[Math.floor(r.next() * EDGES.length)];
  return s;
}

describe('prefixUpperBound: the byte range [p, upper) holds exactly the strings that start with p', () => {
  it('raises the last code point that can grow, over the surrogate block, dropping U+10FFFF', () => {
    expect(prefixUpperBound('lib')).toBe('lic');
    expect(prefixUpperBound('a\u007f')).toBe('a\u0080');
    expect(prefixUpperBound('a\ud7ff')).toBe('a\ue000');
    expect(prefixUpperBound('a\uffff')).toBe('a\u{10000}');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('a\u{10ffff}\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('')).toBeUndefined();
    expect(prefixUpperBound('\u{10ffff}\u{10ffff}')).toBeUndefined();
    // A lone surrogate is U+FFFD once stored, so its bound is U+FFFD's.
    expect(prefixUpperBound('a\ud800')).toBe('a\ufffe');
  });

  it('agrees with startsWith on 20,000 random pairs of edge strings (memcmp of UTF-8 as the oracle)', () => {
    const r = new SeededRandom(20261206);
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const prefix = randomString(r, 3);
      // Half the strings extend the prefix, so both answers occur often.
      const s = r.next() < 0.5 ? prefix + randomString(r, 3) : randomString(r, 5);
      const starts = storedForm(s).startsWith(storedForm(prefix));
      expect({ s, prefix, range: inRange(storedForm(s), prefix) }).toEqual({ s, prefix, range: starts });
      if (starts) inside++;
    }
    expect(inside).toBeGreaterThan(5_000);
    expect(inside).toBeLessThan(15_000);
  });

  it('storedForm writes lone surrogates as U+FFFD, as both drivers do, and keeps pairs', () => {
    expect(storedForm('a\ud800b')).toBe('a\ufffdb');
    expect(storedForm('\udc00\ud83d\ude00')).toBe('\ufffd\ud83d\ude00');
    expect(bytes('x\ud800')).toEqual(bytes(storedForm('x\ud800')));
  });
});
