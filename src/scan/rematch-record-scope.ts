import type { VulnStore } from '../vulndb/vuln-types.js';
import type { FindingTemplate } from './scan-memo.js';

/** New records past which a re-match compares whole package scopes again (the id lists stay short). */
export const MAX_SCOPED_RECORDS = 500;

/** What a host's re-match compares when only new records changed: these findings, these ids. */
export interface NarrowedHost {
  /** The fresh findings whose vulnerability id is in `ids`. */
  found: FindingTemplate[];
  /** The vulnerability ids whose stored findings are read and compared (sorted, unique). */
  ids: string[];
}

/**
 * Narrows a by-keys re-match to the findings that new records can reach, when the imports since the
 * last run only added records (none updated or withdrawn). A finding of a changed package whose alias
 * group holds none of them is what it was: the same records made it. So a host compares only:
 * - the new records' ids and aliases (the seed): a stored finding they displace or supersede;
 * - every id of each fresh finding whose ids meet the seed (idsOf: its own, its related ones and those
 *   its deferred matches name): a new record merged into a group that stood before gives that group's
 *   finding a new related id or a new preferred id, and the finding stored under the old one is among
 *   the new group's ids.
 * Stored findings outside those ids are not read, and fresh ones outside them are not written: an
 * advisory on a package with 50 open CVEs reads one stored finding per host instead of 50.
 * What it does not see: a group that lost a member it was merged through (a record that a new
 * reviewed GitHub advisory now supersedes, aliased only through a third record) keeps its old related
 * ids until the next full re-match (any KEV or EPSS change), which compares everything.
 */
export class RecordScope {
  private readonly byComponent = new WeakMap<readonly FindingTemplate[], NarrowedHost>();

  private constructor(private readonly seed: ReadonlySet<string>) {}

  /** The scope of `newIds`, with their aliases as the DB holds them now. */
  static async of(store: VulnStore, newIds: readonly string[]): Promise<RecordScope> {
    const seed = new Set(newIds);
    for (const record of (await store.records(newIds)).values())
      for (const alias of record.aliases) seed.add(alias);
    return new RecordScope(seed);
  }

  /** A host's narrowed comparison, from its components' templates (the memo's shared arrays). */
  narrow(components: ReadonlyArray<readonly FindingTemplate[]>): NarrowedHost {
    if (components.length === 1) return this.ofComponent(components[0] as readonly FindingTemplate[]);
    const ids = new Set<string>();
    for (const c of components) for (const id of this.ofComponent(c).ids) ids.add(id);
    const found: FindingTemplate[] = [];
    for (const c of components) for (const t of c) if (ids.has(t.vulnerabilityId)) found.push(t);
    return { found, ids: [...ids].sort() };
  }

  /** Memoized per component: every host holding it shares the answer. */
  private ofComponent(templates: readonly FindingTemplate[]): NarrowedHost {
    let narrowed = this.byComponent.get(templates);
    if (narrowed) return narrowed;
    const ids = new Set(this.seed);
    for (const t of templates) {
      const own = idsOf(t);
      if (own.some((id) => this.seed.has(id))) for (const id of own) ids.add(id);
    }
    narrowed = { found: templates.filter((t) => ids.has(t.vulnerabilityId)), ids: [...ids].sort() };
    this.byComponent.set(templates, narrowed);
    return narrowed;
  }
}

/**
 * Every record a finding's content depends on: its own ids, and the ids its deferred matches name. A
 * DLA deferred to the CVE rows it covers is part of each of their findings, with the list of all of
 * them: a new CVE row the DLA covers changes the findings of the DLA's other CVEs too.
 */
function idsOf(t: FindingTemplate): string[] {
  const details = t.finding.packageVulnerabilityDetails;
  const ids = [t.vulnerabilityId, ...(details?.relatedVulnerabilities ?? [])];
  for (const m of details?.matches ?? []) ids.push(m.recordId, ...(m.deferredTo ?? []));
  return ids;
}
