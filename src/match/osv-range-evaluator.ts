import type { VersionScheme } from '../version/version-scheme.js';
import type { AffectedRange, RangeEvent } from '../vulndb/vuln-types.js';

export interface RangeDecision {
  affected: boolean;
  via?: 'range' | 'versions';
  range?: AffectedRange;
  /** Ranges skipped because a version in them cannot be read under the scheme, with the reason. */
  undecidable: { range: AffectedRange; reason: string }[];
}

/** `introduced: "0"` means "from the beginning of time" in OSV, whatever the scheme thinks of "0". */
const ZERO = '0';

interface FlatEvent {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
}

function flatten(e: RangeEvent): FlatEvent {
  if ('introduced' in e) return { kind: 'introduced', version: e.introduced };
  if ('fixed' in e) return { kind: 'fixed', version: e.fixed };
  if ('last_affected' in e) return { kind: 'last_affected', version: e.last_affected };
  return { kind: 'limit', version: e.limit };
}

// At equal versions an introduction sorts first, so `introduced: X, fixed: X` affects nothing.
const KIND_ORDER = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 } as const;

function cmp(scheme: VersionScheme, a: string, b: string): number {
  if (a === b) return 0;
  if (a === ZERO) return -1;
  if (b === ZERO) return 1;
  return scheme.compare(a, b);
}

/**
 * The OSV specification's evaluation of one range: walk the events in version order; an introduction at
 * or below the version opens the range, a fix at or below it closes it, a last_affected below it closes
 * it; when limits exist the version must also sit below one of them. Throws VersionInvalidError when a
 * version cannot be read under the scheme: an undecidable record is reported, never guessed.
 */
export function inRange(version: string, range: AffectedRange, scheme: VersionScheme): boolean {
  const events = range.events.map(flatten);
  const ordered = events
    .filter((e) => e.kind !== 'limit')
    .sort((a, b) => cmp(scheme, a.version, b.version) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  let affected = false;
  for (const e of ordered) {
    const c = cmp(scheme, version, e.version);
    if (e.kind === 'introduced' && (e.version === ZERO || c >= 0)) affected = true;
    else if (e.kind === 'fixed' && c >= 0) affected = false;
    else if (e.kind === 'last_affected' && c > 0) affected = false;
  }
  const limits = events.filter((e) => e.kind === 'limit');
  if (affected && limits.length > 0) return limits.some((l) => cmp(scheme, version, l.version) < 0);
  return affected;
}

/**
 * A version is affected when any range contains it or the explicit `versions` list names it (OSV's
 * rule). A range holding a version the scheme cannot read is skipped and reported in `undecidable`.
 * `schemeFor` picks the comparator per range type (SEMVER ranges use semver even for
 * ecosystems with their own scheme).
 */
export function evaluateRanges(
  version: string,
  ranges: readonly AffectedRange[],
  versions: readonly string[],
  schemeFor: (range: AffectedRange | undefined) => VersionScheme,
): RangeDecision {
  const undecidable: RangeDecision['undecidable'] = [];
  for (const range of ranges) {
    let hit: boolean;
    try {
      hit = inRange(version, range, schemeFor(range));
    } catch (err) {
      // One unreadable range (a git hash in a PyPI record) must not hide the record's other ranges.
      undecidable.push({ range, reason: (err as Error).message });
      continue;
    }
    if (hit) return { affected: true, via: 'range', range, undecidable };
  }
  if (versions.length > 0) {
    const scheme = schemeFor(undefined);
    const valid = scheme.isValid(version);
    for (const v of versions) {
      if (v === version || (valid && scheme.isValid(v) && scheme.compare(v, version) === 0)) {
        return { affected: true, via: 'versions', undecidable };
      }
    }
  }
  return { affected: false, undecidable };
}
