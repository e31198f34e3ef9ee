import type { Finding } from '../finding-types.js';
import { severityRank, type Severity } from '../../risk/severity-band.js';
import { isExpired, ruleMatches, type AppliedIgnore, type IgnoreRule } from './ignore-rules.js';

export interface FindingFilter {
  /** Keep only these severities (empty or absent: all). */
  severities?: readonly Severity[];
  /** Hide findings with no fix (fixAvailable NO). */
  ignoreUnfixed?: boolean;
  ignoreRules?: readonly IgnoreRule[];
  now?: Date;
}

export interface FilteredFindings {
  findings: Finding[];
  applied: AppliedIgnore[];
  /** Rules past their expiry: not applied, and worth a warning. */
  expired: IgnoreRule[];
  /** How many findings each criterion hid (ignore rules are in `applied`). */
  hidden: { severity: number; unfixed: number };
}

/** Applies the CLI's view filters. Ignore rules are applied first, so `applied` lists every rule that hid something. */
export function filterFindings(all: readonly Finding[], f: FindingFilter): FilteredFindings {
  const now = f.now ?? new Date();
  const rules = f.ignoreRules ?? [];
  const expired = rules.filter((r) => isExpired(r, now));
  const live = rules.filter((r) => !isExpired(r, now));
  const applied: AppliedIgnore[] = [];
  const hidden = { severity: 0, unfixed: 0 };
  const findings: Finding[] = [];
  for (const finding of all) {
    const rule = live.find((r) => ruleMatches(r, finding));
    if (rule) {
      const d = finding.packageVulnerabilityDetails;
      applied.push({
        ruleId: rule.id,
        reason: rule.reason,
        findingId: finding.id,
        vulnerabilityId: d?.vulnerabilityId ?? finding.title,
        packages: d?.vulnerablePackages.map((p) => `${p.name}@${p.version}`) ?? [],
      });
      continue;
    }
    if (f.ignoreUnfixed && finding.fixAvailable === 'NO') {
      hidden.unfixed++;
      continue;
    }
    if (f.severities && f.severities.length > 0 && !f.severities.includes(finding.severity)) {
      hidden.severity++;
      continue;
    }
    findings.push(finding);
  }
  return { findings, applied, expired, hidden };
}

export function atOrAbove(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => severityRank(f.severity) >= severityRank(threshold));
}
