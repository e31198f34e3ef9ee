import cvssCalculator from 'ae-cvss-calculator';
import type { CvssEntry } from '../vulndb/vuln-types.js';

export type CvssVersion = CvssEntry['version'];

export interface CvssScore {
  version: CvssVersion;
  /** The vector as the calculator normalized it. */
  vector: string;
  baseScore: number;
}

// The package is a CommonJS bundle whose named exports Node cannot see; its default export holds them.
const calc = cvssCalculator as unknown as {
  fromVector(
    v: string,
  ): { getVectorName(): string; calculateScores(): { base: number; vector: string } } | null;
};

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
