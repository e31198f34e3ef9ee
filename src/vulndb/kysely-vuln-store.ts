import type { Kysely } from 'kysely';
import { FEED_PRECEDENCE, feedFamily, preferAuthoritative } from './row-precedence.js';
import type { VulnDatabase } from './vuln-db-schema.js';
import { rowToAffected, rowToCvss, rowToRecord } from './vuln-row-codec.js';
import type { AffectedRow, CvssEntry, EpssEntry, KevEntry, VulnRecord, VulnStore } from './vuln-types.js';

const IN_CHUNK = 500;

/** VulnStore over the Kysely schema: the same code serves SQLite and (later) PostgreSQL. */
export class KyselyVulnStore implements VulnStore {
  constructor(
    private readonly db: Kysely<VulnDatabase>,
    readonly file?: string,
  ) {}

  async affected(ecosystem: string, packageNames: readonly string[]): Promise<AffectedRow[]> {
    const out: AffectedRow[] = [];
    for (const names of chunks(unique(packageNames))) {
      const rows = await this.db
        .selectFrom('affected')
        .selectAll()
        .where('ecosystem', '=', ecosystem)
        .where('package_name', 'in', names)
        .execute();
      for (const r of rows) out.push(rowToAffected(r));
    }
    return preferAuthoritative(out);
  }

  async records(ids: readonly string[]): Promise<Map<string, VulnRecord>> {
    const out = new Map<string, VulnRecord>();
    for (const chunk of chunks(unique(ids))) {
      const rows = await this.db.selectFrom('vulnerabilities').selectAll().where('id', 'in', chunk).execute();
      const cvss = await this.cvss(chunk);
      const byId = new Map<string, typeof rows>();
      for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      for (const [id, group] of byId) {
        // The primary row (dates, summary, withdrawn) is the record feed's own; lists are merged.
        group.sort((a, b) => rank(a.feed) - rank(b.feed));
        const records = group.map((r) => rowToRecord(r, []));
        const primary = records[0];
        if (!primary) continue;
        out.set(id, {
          ...primary,
          aliases: mergeLists(records.map((r) => r.aliases)).filter((a) => a !== id),
          related: mergeLists(records.map((r) => r.related)),
          references: mergeLists(records.map((r) => r.references)),
          cwes: mergeLists(records.map((r) => r.cwes)),
          cvss: cvss.get(id) ?? [],
        });
      }
    }
    return out;
  }

  async cvss(cveIds: readonly string[]): Promise<Map<string, CvssEntry[]>> {
    const out = new Map<string, CvssEntry[]>();
    for (const chunk of chunks(unique(cveIds))) {
      const rows = await this.db.selectFrom('cvss').selectAll().where('cve_id', 'in', chunk).execute();
      for (const r of rows) {
        const list = out.get(r.cve_id) ?? [];
        // The same score reaches us through several feeds (CVE 5 and the composite both carry the CNA's).
        if (!list.some((e) => e.source === r.source && e.vector === r.vector)) list.push(rowToCvss(r));
        out.set(r.cve_id, list);
      }
    }
    return out;
  }

  async kev(cveIds: readonly string[]): Promise<Map<string, KevEntry>> {
    const out = new Map<string, KevEntry>();
    for (const chunk of chunks(unique(cveIds))) {
      const rows = await this.db.selectFrom('kev').selectAll().where('cve_id', 'in', chunk).execute();
      for (const r of rows) {
        const e: KevEntry = { cveId: r.cve_id, dateAdded: r.date_added };
        if (r.due_date !== null) e.dueDate = r.due_date;
        if (r.known_ransomware !== null) e.knownRansomwareCampaignUse = r.known_ransomware;
        if (r.vendor_project !== null) e.vendorProject = r.vendor_project;
        if (r.product !== null) e.product = r.product;
        out.set(r.cve_id, e);
      }
    }
    return out;
  }

  async epss(cveIds: readonly string[]): Promise<Map<string, EpssEntry>> {
    const out = new Map<string, EpssEntry>();
    for (const chunk of chunks(unique(cveIds))) {
      const rows = await this.db.selectFrom('epss').selectAll().where('cve_id', 'in', chunk).execute();
      for (const r of rows) {
        const e: EpssEntry = { cveId: r.cve_id, score: r.score, percentile: r.percentile };
        if (r.score_date !== null) e.date = r.score_date;
        out.set(r.cve_id, e);
      }
    }
    return out;
  }
}

function rank(feed: string): number {
  const i = FEED_PRECEDENCE.indexOf(feedFamily(feed));
  return i < 0 ? FEED_PRECEDENCE.length : i;
}

function mergeLists(lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())];
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += IN_CHUNK) yield items.slice(i, i + IN_CHUNK);
}
