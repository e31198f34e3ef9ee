import cvssCalculator from 'ae-cvss-calculator';
import type { ScoreAdjustment } from './score-selector.js';

/**
 * The score in context (Inspector's `inspectorScore`): a CVSS v3.x base vector with AV:N on a resource
 * that no path from the internet reaches is re-scored with the environmental metric MAV:A, by
 * ae-cvss-calculator (never our own arithmetic), and the adjustment is recorded. When nothing was
 * analysed, or a path exists, or it cannot be told, the base score stands and `detail` says why.
 */

/** What the network analysis says of one resource (src/network computes it). */
export type InternetExposure =
  { analysed: false; reason: string } | { analysed: true; path: boolean | 'unknown'; reason: string };

export interface ContextualScore {
  score: number;
  /** The vector the score was computed from (with MAV:A when adjusted). */
  vector: string;
  adjustments: ScoreAdjustment[];
  detail: string;
}

export const NO_INTERNET_PATH: ScoreAdjustment = {
  metric: 'attackVector',
  reason: 'no open network path from the internet',
};

interface CalcVector {
  getVectorName(): string;
  getComponentByStringOpt(c: string): { shortName?: string } | null;
  applyComponentString(c: string, v: string): boolean;
  calculateScores(): { base: number; environmental?: number; overall: number; vector: string };
  toString(): string;
}

const calc = cvssCalculator as unknown as { fromVector(v: string): CalcVector | null };

function parse(vector: string): CalcVector | undefined {
  try {
    return calc.fromVector(vector.trim()) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Undefined when the calculator cannot read the vector. */
export function contextualScore(baseVector: string, exposure: InternetExposure): ContextualScore | undefined {
  const v = parse(baseVector);
  if (!v) return undefined;
  const base = v.calculateScores();
  const unchanged = (detail: string): ContextualScore => ({
    score: base.base,
    vector: base.vector,
    adjustments: [],
    detail,
  });
  const name = v.getVectorName();
  if (name !== 'CVSS:3.1' && name !== 'CVSS:3.0')
    return unchanged(`${name} vectors are not re-scored; only CVSS v3.x has MAV`);
  if (v.getComponentByStringOpt('AV')?.shortName !== 'N')
    return unchanged('the attack vector is not network');
  if (!exposure.analysed) return unchanged(`not adjusted: ${exposure.reason}`);
  if (exposure.path === true) return unchanged(`not adjusted: ${exposure.reason}`);
  if (exposure.path === 'unknown')
    return unchanged(`not adjusted, reachability could not be determined: ${exposure.reason}`);
  v.applyComponentString('MAV', 'A');
  const env = v.calculateScores();
  const score = env.environmental ?? env.overall;
  return {
    score,
    vector: env.vector,
    adjustments: [NO_INTERNET_PATH],
    detail: `${base.base} → ${score}: ${exposure.reason}`,
  };
}
