import type { OsInfo } from '../../../core/os-info.js';
import type { Finding } from '../../../findings/finding-types.js';
import type { MatchNote } from '../../../match/match-types.js';
import { SEVERITIES, type Severity } from '../../../risk/severity-band.js';
import type { AppliedIgnore } from '../../../findings/ignore/ignore-rules.js';

/** What every findings format renders: the findings shown plus the facts a reader needs to trust them. */
export interface FindingsReport {
  tool: { name: 'vigil'; version: string };
  target: string;
  targetType: string;
  os?: OsInfo;
  createdAt: string;
  packageCount: number;
  findings: Finding[];
  /** Rules of the ignore file that hid findings. */
  ignored: AppliedIgnore[];
  notes: MatchNote[];
}

export interface FindingsFormat {
  readonly name: string;
  /** File extension for `--output` defaults and media type for the API later. */
  readonly mediaType: string;
  render(report: FindingsReport): string;
}

export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Highest first, then by score, id and package: every format lists findings in this order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
      (b.score ?? -1) - (a.score ?? -1) ||
      a.title.localeCompare(b.title),
  );
}
