import * as cvssNamespace from 'ae-cvss-calculator';
import type { CvssEntry } from '../vulndb/vuln-types.js';

export type CvssVersion = CvssEntry['version'];

export interface CvssScore {
  version: CvssVersion;
  /** The vector as the calculator normalized it. */
  vector: string;
  baseScore: number;
}

interface CvssCalculator {
  fromVector(
    v: string,
  ): { getVectorName(): string; calculateScores(): { base: number; vector: string } } | null;
}

// The package is a CommonJS bundle whose named exports Node cannot see: Node's ESM loader puts them on
// the default export, but a loader that compiles to CommonJS (tsx, in worker threads) leaves the
// default empty and gives them as names. Either way, the object that has fromVector.
const cvssModule = cvssNamespace as unknown as Partial<CvssCalculator> & { default?: CvssCalculator };
const calc: CvssCalculator =
  typeof cvssModule.fromVector === 'function'
    ? (cvssModule as CvssCalculator)
    : (cvssModule.default as CvssCalculator);

const VERSION_BY_NAME: Readonly<Record<string, CvssVersion>> = {
  'CVSS:2.0': '2.0',
  'CVSS:3.0': '3.0',
  'CVSS:3.1': '3.1',
  'CVSS:4.0': '4.0',
};

/**
 * Base score of a vector, computed by ae-cvss-calculator (never our own arithmetic), so a score stored
 * by a feed is re-derived from its vector. Undefined for a vector the calculator cannot read.
 */
export function scoreVector(vector: string): CvssScore | undefined {
  // A fleet's findings share a few thousand distinct vectors: each is parsed and scored once.
  if (scored.has(vector)) {
    const hit = scored.get(vector);
    return hit ? { ...hit } : undefined;
  }
  if (scored.size >= SCORED_MAX) scored.clear();
  const score = computeScore(vector);
  scored.set(vector, score);
  return score ? { ...score } : undefined;
}

/** Vectors remembered (pure results: the calculator's answer for a vector never changes). */
const SCORED_MAX = 20_000;
const scored = new Map<string, CvssScore | undefined>();

function computeScore(vector: string): CvssScore | undefined {
  let parsed;
  try {
    parsed = calc.fromVector(vector.trim());
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const version = VERSION_BY_NAME[parsed.getVectorName()];
  if (!version) return undefined;
  const scores = parsed.calculateScores();
  if (typeof scores.base !== 'number' || Number.isNaN(scores.base)) return undefined;
  return { version, vector: scores.vector, baseScore: scores.base };
}
