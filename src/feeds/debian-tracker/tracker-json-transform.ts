import type { FeedItem } from '../../vulndb/import-types.js';
import type { AffectedRow, AffectedState, VulnRecord } from '../../vulndb/vuln-types.js';
import { isObject, str } from '../common/json-shape.js';
import { FeedFormatError } from '../feed-format-error.js';
import { debianEcosystem, trackerUrgency } from './debian-releases.js';

export const TRACKER_FEED = 'debian-tracker';
const EPOCH = '1970-01-01T00:00:00Z';

/**
 * The tracker's JSON has no version field, so the gate is its shape: package → issue id → object with
 * `releases`. Anything else is refused whole (a different document, an HTML error page parsed as
 * JSON…) rather than read as "no vulnerabilities".
 */
export function assertTrackerShape(doc: unknown): asserts doc is Record<string, Record<string, unknown>> {
  if (!isObject(doc)) throw new FeedFormatError(TRACKER_FEED, 'top level is not an object');
  for (const [pkg, issues] of Object.entries(doc).slice(0, 20)) {
    if (!isObject(issues)) throw new FeedFormatError(TRACKER_FEED, `package ${pkg} is not an object`);
    for (const [id, issue] of Object.entries(issues).slice(0, 5)) {
      if (!isObject(issue) || !hasReleases(issue)) {
        throw new FeedFormatError(TRACKER_FEED, `${pkg}/${id} has no releases object`);
      }
    }
  }
}

/** The tracker writes an issue with no release data as `"releases": []` (an empty PHP-style map). */
function hasReleases(issue: Record<string, unknown>): boolean {
  const r = issue['releases'];
  return isObject(r) || (Array.isArray(r) && r.length === 0);
}

/**
 * Tracker JSON → one record per issue (CVE-…, TEMP-…) with a row per (release, source package).
 * States: resolved + fixed_version 0 → not-affected; resolved + version → fixed; open with nodsa →
 * no-dsa, or postponed / ignored per nodsa_reason; open with urgency end-of-life → end-of-life;
 * other open and undetermined → unfixed.
 */
export function transformTrackerJson(doc: unknown, dataDate?: string): FeedItem[] {
  assertTrackerShape(doc);
  const byId = new Map<string, { record: VulnRecord; affected: AffectedRow[] }>();
  const items: FeedItem[] = [];
  let unknownReleases = 0;
  for (const [pkg, issues] of Object.entries(doc)) {
    for (const [id, issue] of Object.entries(issues)) {
      if (!isObject(issue) || !hasReleases(issue)) {
        items.push({ kind: 'invalid', reason: 'tracker issue without releases', id });
        continue;
      }
      const entry = byId.get(id) ?? { record: trackerRecord(id, issue, dataDate), affected: [] };
      byId.set(id, entry);
      const releases = isObject(issue['releases']) ? issue['releases'] : {};
      for (const [codename, rel] of Object.entries(releases)) {
        const ecosystem = debianEcosystem(codename);
        if (!ecosystem) {
          unknownReleases++;
          continue;
        }
        if (isObject(rel)) entry.affected.push(trackerRow(id, pkg, ecosystem, rel));
      }
    }
  }
  if (unknownReleases > 0)
    items.push({ kind: 'skipped-part', reason: 'unknown Debian release', count: unknownReleases });
  for (const { record, affected } of byId.values()) items.push({ kind: 'record', record, affected });
  return items;
}

function trackerRecord(id: string, issue: Record<string, unknown>, dataDate: string | undefined): VulnRecord {
  const refs = [`https://security-tracker.debian.org/tracker/${id}`];
  const bug = issue['debianbug'];
  if (typeof bug === 'number' || typeof bug === 'string') refs.push(`https://bugs.debian.org/${bug}`);
  const record: VulnRecord = {
    id,
    aliases: [],
    related: [],
    source: TRACKER_FEED,
    modified: dataDate ?? EPOCH,
    references: refs,
    cvss: [],
    cwes: [],
  };
  const description = str(issue['description']);
  if (description) record.summary = description;
  return record;
}

export function trackerRow(
  vulnId: string,
  pkg: string,
  ecosystem: string,
  rel: Record<string, unknown>,
): AffectedRow {
  const status = str(rel['status']) ?? 'undetermined';
  const fixed = str(rel['fixed_version']);
  const urgency = trackerUrgency(str(rel['urgency']));
  let state: AffectedState = 'unfixed';
  if (status === 'resolved') state = fixed === undefined || fixed === '0' ? 'not-affected' : 'fixed';
  else if (status === 'open' && typeof rel['nodsa'] === 'string') {
    const reason = str(rel['nodsa_reason']);
    state = reason === 'postponed' ? 'postponed' : reason === 'ignored' ? 'ignored' : 'no-dsa';
  } else if (urgency === 'end-of-life') state = 'end-of-life';
  return rowFor(vulnId, pkg, ecosystem, state, state === 'fixed' ? fixed : undefined, urgency);
}

/** Ranges that say the same as the state, for matchers that only read ranges. */
export function rowFor(
  vulnId: string,
  pkg: string,
  ecosystem: string,
  state: AffectedState,
  fixedVersion: string | undefined,
  urgency: string | undefined,
  source = TRACKER_FEED,
): AffectedRow {
  const row: AffectedRow = {
    vulnId,
    source,
    ecosystem,
    packageName: pkg,
    ranges:
      state === 'not-affected'
        ? []
        : [
            {
              type: 'ECOSYSTEM',
              events: fixedVersion ? [{ introduced: '0' }, { fixed: fixedVersion }] : [{ introduced: '0' }],
            },
          ],
    versions: [],
    state,
  };
  if (fixedVersion) row.fixedVersion = fixedVersion;
  if (urgency) row.vendorSeverity = urgency;
  return row;
}
