export const SEVERITIES = ['UNTRIAGED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Orders severities for thresholds (`--fail-on`): UNTRIAGED lowest, CRITICAL highest. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** DESIGN §3 bands: 0 → INFORMATIONAL, 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10 CRITICAL. */
export function severityFromScore(score: number): Severity {
  if (score <= 0) return 'INFORMATIONAL';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

/**
 * A vendor's own word (Debian urgency, GHSA severity) as a band, used only when no CVSS score exists.
 * Debian's `unimportant` is a low-impact statement, not an absence of triage; `not yet assigned` and
 * `end-of-life` are no severity at all.
 */
export function severityFromVendor(vendor: string | undefined): Severity | undefined {
  if (!vendor) return undefined;
  const v = vendor.trim().toLowerCase().replace(/\*+$/, '');
  if (v === 'critical') return 'CRITICAL';
  if (v === 'high' || v === 'important') return 'HIGH';
  if (v === 'medium' || v === 'moderate') return 'MEDIUM';
  if (v === 'low' || v === 'unimportant' || v === 'negligible') return 'LOW';
  return undefined;
}
