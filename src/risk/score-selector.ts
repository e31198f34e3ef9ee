import type { CvssEntry } from '../vulndb/vuln-types.js';
import { scoreVector, type CvssScore } from './cvss-scorer.js';

export interface ScoreAdjustment {
  metric: string;
  reason: string;
}

/** DESIGN §3 scoreDetails: where the score came from and every adjustment made to it. */
export interface ScoreDetails {
  baseScore: number;
  baseVector: string;
  cvssVersion: CvssEntry['version'];
  source: string;
  adjustments: ScoreAdjustment[];
  /** When an adjustment applies: the vector the score was computed from (with MAV:A, say). */
  adjustedVector?: string;
  /** Why the score is or is not adjusted in context (set where a context was weighed: hosts). */
  contextDetail?: string;
}

/** Generic sources in the order they are trusted after the vendor's own. */
const SOURCE_ORDER = ['cna', 'adp', 'nvd', 'ghsa', 'osv'];

function sourceRank(source: string, vendors: readonly string[]): number {
  const s = source.toLowerCase();
  if (vendors.some((v) => s.includes(v))) return 0;
  const i = SOURCE_ORDER.findIndex((o) => s.includes(o));
  return i < 0 ? SOURCE_ORDER.length + 1 : i + 1;
}

// v3.x first (what most sources score and what bands are defined for), v4 when no v3, v2 last.
const VERSION_RANK: Readonly<Record<CvssEntry['version'], number>> = {
  '3.1': 0,
  '3.0': 0,
  '4.0': 1,
  '2.0': 2,
};

/**
 * Picks the score a finding shows: the best CVSS version tier present, within it the vendor's own
 * score first, then CNA, CISA-ADP, NVD, GHSA, osv.dev. The base score is recomputed from the vector;
 * entries whose vector the calculator refuses are skipped.
 */
export function selectScore(
  entries: readonly CvssEntry[],
  vendors: readonly string[],
): ScoreDetails | undefined {
  const scored: { entry: CvssEntry; score: CvssScore }[] = [];
  for (const entry of entries) {
    const score = scoreVector(entry.vector);
    if (score) scored.push({ entry, score });
  }
  scored.sort(
    (a, b) =>
      VERSION_RANK[a.score.version] - VERSION_RANK[b.score.version] ||
      sourceRank(a.entry.source, vendors) - sourceRank(b.entry.source, vendors) ||
      (a.score.version === b.score.version ? 0 : a.score.version === '3.1' ? -1 : 1),
  );
  const best = scored[0];
  if (!best) return undefined;
  return {
    baseScore: best.score.baseScore,
    baseVector: best.score.vector,
    cvssVersion: best.score.version,
    source: best.entry.source,
    adjustments: [],
  };
}
