import type { FeedItem } from '../../vulndb/import-types.js';
import type { AffectedRow, VulnRecord } from '../../vulndb/vuln-types.js';
import { isObject, str } from '../common/json-shape.js';
import { FeedFormatError } from '../feed-format-error.js';

export const SECDB_FEED = 'alpine-secdb';
const EPOCH = '1970-01-01T00:00:00Z';
const ID = /^(CVE-\d{4}-\d+|GHSA-[\w-]+|XSA-\d+|ZBX-\d+|OSV-\d{4}-\d+)$/;

/**
 * Feed name of one secdb file: one per (release, repository), so importing `v3.19/main.json` alone
 * never drops what another file said about the same CVE.
 */
export function secdbFeedName(release: string, repo: string): string {
  return `${SECDB_FEED}/${release}/${repo}`;
}

/** The gate: secdb has no version field; its shape (`distroversion`, `reponame`, `packages[]`) is checked. */
export function secdbHeader(doc: unknown): { release: string; repo: string; packages: unknown[] } {
  if (!isObject(doc)) throw new FeedFormatError(SECDB_FEED, 'document is not an object');
  const version = str(doc['distroversion']);
  const repo = str(doc['reponame']);
  const packages = doc['packages'];
  if (!version || !/^(v\d+\.\d+|edge)$/.test(version) || !repo || !Array.isArray(packages)) {
    throw new FeedFormatError(SECDB_FEED, 'missing distroversion, reponame or packages');
  }
  return { release: version, repo, packages };
}

/**
 * One secdb file → a record per vulnerability id with a row per package. A secfixes key is the
 * first fixed version; Alpine's key `0` means "never affected in Alpine" (not-affected).
 */
export function transformSecdb(doc: unknown, dataDate?: string): { feed: string; items: FeedItem[] } {
  const { release, repo, packages } = secdbHeader(doc);
  const feed = secdbFeedName(release, repo);
  const ecosystem = `Alpine:${release}`;
  const byId = new Map<string, AffectedRow[]>();
  let unreadable = 0;
  for (const p of packages) {
    const pkg = isObject(p) && isObject(p['pkg']) ? p['pkg'] : undefined;
    const name = pkg ? str(pkg['name']) : undefined;
    const secfixes = pkg?.['secfixes'];
    if (!name || !isObject(secfixes)) {
      unreadable++;
      continue;
    }
    for (const [version, ids] of Object.entries(secfixes)) {
      for (const id of secfixIds(ids)) {
        const list = byId.get(id) ?? [];
        list.push(secdbRow(id, feed, ecosystem, name, version));
        byId.set(id, list);
      }
    }
  }
  const items: FeedItem[] = [];
  if (unreadable > 0)
    items.push({ kind: 'skipped-part', reason: 'secdb package without name or secfixes', count: unreadable });
  for (const [id, affected] of byId)
    items.push({ kind: 'record', record: secdbRecord(id, feed, dataDate), affected });
  return { feed, items };
}

/** Entries are ids, sometimes followed by more ids or words (`CVE-2019-1234 CVE-2019-1235`). */
function secfixIds(ids: unknown): string[] {
  if (!Array.isArray(ids)) return [];
  return ids.flatMap((s) => (typeof s === 'string' ? s.split(/\s+/).filter((t) => ID.test(t)) : []));
}

function secdbRow(id: string, feed: string, ecosystem: string, name: string, version: string): AffectedRow {
  const notAffected = version === '0';
  const row: AffectedRow = {
    vulnId: id,
    source: feed,
    ecosystem,
    packageName: name,
    ranges: notAffected ? [] : [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }],
    versions: [],
    state: notAffected ? 'not-affected' : 'fixed',
  };
  if (!notAffected) row.fixedVersion = version;
  return row;
}

function secdbRecord(id: string, feed: string, dataDate: string | undefined): VulnRecord {
  return {
    id,
    aliases: [],
    related: [],
    source: feed,
    modified: dataDate ?? EPOCH,
    references: [],
    cvss: [],
    cwes: [],
  };
}
