import type { AffectedRange, AffectedRow, AffectedState, RangeEvent } from '../../vulndb/vuln-types.js';
import { isObject, str, stringList } from '../common/json-shape.js';
import { normalizeEcosystem, normalizePackageName } from './osv-ecosystem.js';

export interface AffectedResult {
  row?: AffectedRow;
  /** Reasons for parts dropped on purpose (counted by the importer). */
  skipped: string[];
}

const DISTRO_BASES: ReadonlySet<string> = new Set([
  'AlmaLinux',
  'Alpine',
  'Azure Linux',
  'Chainguard',
  'Debian',
  'Mageia',
  'MinimOS',
  'openEuler',
  'openSUSE',
  'Photon OS',
  'Red Hat',
  'Rocky Linux',
  'SUSE',
  'Ubuntu',
  'Wolfi',
]);

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** Urgencies that carry no severity (the tracker's placeholder) are not vendor severities. */
const NO_SEVERITY = new Set(['not yet assigned', '']);

/** One OSV `affected[]` entry → one AffectedRow, or the reasons it cannot be used. */
export function osvAffectedRows(
  vulnId: string,
  feed: string,
  entry: unknown,
  recordSeverity: string | undefined,
): AffectedResult {
  const skipped: string[] = [];
  if (!isObject(entry)) return { skipped: ['affected entry is not an object'] };
  const pkg = entry['package'];
  const rawEco = isObject(pkg) ? str(pkg['ecosystem']) : undefined;
  const rawName = isObject(pkg) ? str(pkg['name']) : undefined;
  // osv.dev's merged Debian records carry `package: {}` with GIT ranges: upstream commits, not packages.
  if (!rawEco || !rawName) return { skipped: ['affected entry without package (GIT only)'] };
  const ecosystem = normalizeEcosystem(rawEco);
  if (!ecosystem) return { skipped: [`unknown ecosystem ${rawEco.split(':')[0] ?? rawEco}`] };
  const ranges: AffectedRange[] = [];
  for (const r of Array.isArray(entry['ranges']) ? (entry['ranges'] as unknown[]) : []) {
    const parsed = parseRange(r);
    if (typeof parsed === 'string') skipped.push(parsed);
    else ranges.push(parsed);
  }
  let versions = stringList(entry['versions']);
  if (ranges.length === 0 && versions.length === 0) {
    return { skipped: [...skipped, 'affected entry without usable range or versions'] };
  }
  const base = ecosystem.split(':')[0] ?? ecosystem;
  // osv.dev enumerates every distro version a range covers (57 MB for Debian alone): redundant with the
  // range, which the distro's comparator evaluates exactly, so it is not stored.
  if (DISTRO_BASES.has(base) && ranges.some((r) => r.type === 'ECOSYSTEM')) versions = [];
  const row: AffectedRow = {
    vulnId,
    source: feed,
    ecosystem,
    packageName: normalizePackageName(base, rawName),
    ranges,
    versions,
    state: 'unfixed',
  };
  const urgency = entryUrgency(entry) ?? recordSeverity;
  if (urgency !== undefined && !NO_SEVERITY.has(urgency)) row.vendorSeverity = urgency;
  applyState(row, urgency);
  return { row, skipped };
}

function parseRange(r: unknown): AffectedRange | string {
  if (!isObject(r)) return 'range is not an object';
  const type = r['type'];
  if (type === 'GIT') return 'GIT range';
  if (type !== 'ECOSYSTEM' && type !== 'SEMVER') return `range type ${String(type)}`;
  const events: RangeEvent[] = [];
  for (const e of Array.isArray(r['events']) ? (r['events'] as unknown[]) : []) {
    const ev = parseEvent(e);
    if (!ev) return 'malformed range event';
    events.push(ev);
  }
  if (events.length === 0) return 'range without events';
  return { type, events };
}

function parseEvent(e: unknown): RangeEvent | undefined {
  if (!isObject(e)) return undefined;
  const keys = Object.keys(e);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return undefined;
  const value = e[key];
  if (typeof value !== 'string' || !(EVENT_KEYS as readonly string[]).includes(key)) return undefined;
  return { [key]: value } as RangeEvent;
}

function entryUrgency(entry: Record<string, unknown>): string | undefined {
  const es = entry['ecosystem_specific'];
  if (!isObject(es)) return undefined;
  const u = str(es['urgency']);
  return u?.replace(/\*+$/, '');
}

/**
 * fixed: some range has a `fixed` event (fixedVersion = the first one; matchers pick the fix that
 * applies to the installed version from the ranges). osv.dev writes Alpine's "never affected" (secdb
 * fixed `0`) as `introduced 0, fixed 0`: that is not-affected. Debian's `end-of-life` urgency without
 * a fix is the end-of-life state.
 */
function applyState(row: AffectedRow, urgency: string | undefined): void {
  const fixes: string[] = [];
  for (const r of row.ranges) {
    for (const e of r.events) if ('fixed' in e) fixes.push(e.fixed);
  }
  let state: AffectedState = 'unfixed';
  if (fixes.length > 0 && fixes.every((f) => f === '0')) state = 'not-affected';
  else if (fixes.some((f) => f !== '0')) {
    state = 'fixed';
    const first = fixes.find((f) => f !== '0');
    if (first !== undefined) row.fixedVersion = first;
  } else if (urgency === 'end-of-life') state = 'end-of-life';
  row.state = state;
}
