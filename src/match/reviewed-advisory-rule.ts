import type { AffectedRow, VulnRecord } from '../vulndb/vuln-types.js';
import type { MatchNote, PackageMatch } from './match-types.js';

/**
 * Reviewed advisories decide over unreviewed ones for one package. PYSEC-2021-108 says urllib3 is
 * affected from 0; the GitHub-reviewed GHSA-q2q7-5pp4-w6pg (same CVE-2021-33503) says from 1.25.4. When
 * an alias group holds a reviewed GHSA row for the package, that row's ranges decide:
 * - the reviewed row matched: the unreviewed matches of the group stay, deferred to it (their ids are
 *   kept in relatedVulnerabilities, the reviewed record gives the fixed version);
 * - it did not: the unreviewed matches of the group are dropped, with a note naming both records.
 * An unreviewed record with no reviewed twin still applies.
 *
 * `rows` are every row looked up for the package's name (matched or not); `records` holds at least the
 * records of those rows (their aliases link the group).
 */
export function applyReviewedAdvisoryRule(
  matches: readonly PackageMatch[],
  rows: readonly AffectedRow[],
  records: ReadonlyMap<string, VulnRecord>,
  notes: MatchNote[],
): PackageMatch[] {
  const reviewed = rows.filter(isReviewedGhsa);
  if (reviewed.length === 0) return [...matches];
  const matchedReviewed = new Set(matches.filter((m) => isReviewedGhsa(m.row)).map((m) => m.row.vulnId));
  const out: PackageMatch[] = [];
  for (const m of matches) {
    if (isReviewedGhsa(m.row)) {
      out.push(m);
      continue;
    }
    const ids = idsOf(m.row.vulnId, records);
    const twins = reviewed.filter(
      (r) =>
        r.ecosystem === m.row.ecosystem &&
        r.packageName === m.row.packageName &&
        (ids.has(r.vulnId) || intersects(idsOf(r.vulnId, records), ids)),
    );
    if (twins.length === 0) {
      out.push(m);
      continue;
    }
    const deciding = twins.filter((t) => matchedReviewed.has(t.vulnId)).map((t) => t.vulnId);
    if (deciding.length > 0) {
      out.push({
        ...m,
        reason: { ...m.reason, deferredTo: [...deciding].sort(), rule: 'reviewed-advisory' },
      });
    } else {
      notes.push({
        kind: 'superseded',
        message:
          `${m.row.vulnId} / ${m.pkg.name} ${m.pkg.version}: not reported: the reviewed ` +
          `${twins.map((t) => t.vulnId).join(', ')} says this version is not affected`,
        packageId: m.pkg.id,
        recordId: m.row.vulnId,
      });
    }
  }
  return out;
}

function isReviewedGhsa(row: AffectedRow): boolean {
  return row.reviewed === true && row.vulnId.startsWith('GHSA-');
}

/** A record's own id and its aliases (not `related`: those name other vulnerabilities). */
function idsOf(id: string, records: ReadonlyMap<string, VulnRecord>): Set<string> {
  return new Set([id, ...(records.get(id)?.aliases ?? [])]);
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}
