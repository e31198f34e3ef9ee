import { expect, it } from 'vitest';
import { SeededRandom } from '../core/seeded-random.js';
import { VersionInvalidError } from '../core/errors/version-invalid-error.js';
import type { VersionScheme } from './version-scheme.js';

/**
 * What every scheme shows: `ascending` is a list of groups in strictly ascending order; versions within
 * one group are equal under the scheme (1.0 and 1.0.0, say). `invalid` are strings the scheme rejects.
 */
export interface SchemeSamples {
  readonly ascending: readonly (string | readonly string[])[];
  readonly invalid: readonly string[];
}

// Deterministic shuffle, so a failure reproduces.
function shuffled<T>(items: readonly T[], seed: number): T[] {
  return new SeededRandom(seed).shuffle(items);
}

function flatten(samples: SchemeSamples): { version: string; rank: number }[] {
  return samples.ascending.flatMap((g, rank) =>
    (typeof g === 'string' ? [g] : g).map((version) => ({ version, rank })),
  );
}

/** Registers the contract's tests for one scheme; call inside a `describe`. */
export function versionSchemeContract(scheme: VersionScheme, samples: SchemeSamples): void {
  const all = flatten(samples);

  it('has enough samples to say something', () => {
    expect(samples.ascending.length).toBeGreaterThanOrEqual(8);
    expect(samples.invalid.length).toBeGreaterThanOrEqual(2);
  });

  it('accepts every sample and compares each to itself as equal', () => {
    for (const { version } of all) {
      expect(scheme.isValid(version), version).toBe(true);
      expect(scheme.compare(version, version), version).toBe(0);
    }
  });

  it('orders every pair as the known ranks say, antisymmetrically', () => {
    for (const a of all) {
      for (const b of all) {
        const c = Math.sign(scheme.compare(a.version, b.version));
        expect(c, `${a.version} vs ${b.version}`).toBe(Math.sign(a.rank - b.rank));
        expect(Math.sign(scheme.compare(b.version, a.version)), `${b.version} vs ${a.version}`).toBe(
          c === 0 ? 0 : -c,
        );
      }
    }
  });

  it('is transitive over the samples', () => {
    const cmp = (x: string, y: string): number => Math.sign(scheme.compare(x, y));
    for (const a of all) {
      for (const b of all) {
        for (const c of all) {
          if (cmp(a.version, b.version) <= 0 && cmp(b.version, c.version) <= 0) {
            expect(
              cmp(a.version, c.version),
              `${a.version} ≤ ${b.version} ≤ ${c.version}`,
            ).toBeLessThanOrEqual(0);
          }
        }
      }
    }
  });

  it('sorts shuffled samples back into the known order', () => {
    for (const seed of [1, 2, 3, 42, 2026]) {
      const sorted = shuffled(all, seed).sort((x, y) => scheme.compare(x.version, y.version));
      expect(sorted.map((s) => s.rank)).toEqual(all.map((s) => s.rank));
    }
  });

  it('rejects invalid versions: isValid false, compare throws VERSION_INVALID', () => {
    const valid = all[0]?.version ?? '';
    for (const bad of samples.invalid) {
      expect(scheme.isValid(bad), JSON.stringify(bad)).toBe(false);
      for (const [x, y] of [
        [bad, valid],
        [valid, bad],
      ] as const) {
        let caught: unknown;
        try {
          scheme.compare(x, y);
        } catch (err) {
          caught = err;
        }
        expect(caught, JSON.stringify(bad)).toBeInstanceOf(VersionInvalidError);
        expect((caught as VersionInvalidError).code).toBe('VERSION_INVALID');
      }
    }
  });
}
