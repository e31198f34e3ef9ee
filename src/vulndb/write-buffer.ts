import type { Transaction } from 'kysely';
import type { AffectedTable, CvssTable, VulnDatabase, VulnerabilitiesTable } from './vuln-db-schema.js';
import type { EpssEntry, KevEntry } from './vuln-types.js';
import type { ChangedKeys } from './changed-keys.js';

/** Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const CHUNK = 400;
/** Buffered rows before a flush: bounds memory on big feeds. */
const FLUSH_AT = 4000;

/**
 * Collects one feed's writes and sends them as multi-row statements (one statement per few hundred
 * rows instead of one per row is what makes a full import fit in a minute).
 */
export class WriteBuffer {
  private deletes: string[] = [];
  private pendingIds = new Set<string>();
  private vulns: VulnerabilitiesTable[] = [];
  private affected: AffectedTable[] = [];
  private cvss: CvssTable[] = [];
  private kev: KevEntry[] = [];
  private epss: EpssEntry[] = [];

  constructor(
    private readonly trx: Transaction<VulnDatabase>,
    private readonly feed: string,
    /** Told which package keys the replaced records' rows named, before they are deleted. */
    private readonly changed?: ChangedKeys,
  ) {}

  has(id: string): boolean {
    return this.pendingIds.has(id);
  }

  deleteRecord(id: string): void {
    this.deletes.push(id);
    this.pendingIds.add(id);
  }

  async addRecord(v: VulnerabilitiesTable, a: AffectedTable[], c: CvssTable[]): Promise<void> {
    this.pendingIds.add(v.id);
    this.vulns.push(v);
    for (const r of a) this.affected.push(r);
    for (const r of c) this.cvss.push(r);
    if (this.size() >= FLUSH_AT) await this.flush();
  }

  async addKev(e: KevEntry): Promise<void> {
    this.kev.push(e);
    if (this.size() >= FLUSH_AT) await this.flush();
  }

  async addEpss(e: EpssEntry): Promise<void> {
    this.epss.push(e);
    if (this.size() >= FLUSH_AT) await this.flush();
  }

  private size(): number {
    return this.vulns.length + this.affected.length + this.cvss.length + this.kev.length + this.epss.length;
  }

  async flush(): Promise<void> {
    const { trx, feed } = this;
    for (const ids of chunks(this.deletes)) {
      if (this.changed) {
        const old = await trx
          .selectFrom('affected')
          .select(['vuln_id', 'ecosystem', 'package_name'])
          .distinct()
          .where('feed', '=', feed)
          .where('vuln_id', 'in', ids)
          .execute();
        this.changed.replacedRows(feed, old);
      }
      await trx.deleteFrom('vulnerabilities').where('feed', '=', feed).where('id', 'in', ids).execute();
      await trx.deleteFrom('affected').where('feed', '=', feed).where('vuln_id', 'in', ids).execute();
      await trx.deleteFrom('cvss').where('feed', '=', feed).where('cve_id', 'in', ids).execute();
    }
    for (const rows of chunks(this.vulns)) await trx.insertInto('vulnerabilities').values(rows).execute();
    for (const rows of chunks(this.affected)) await trx.insertInto('affected').values(rows).execute();
    for (const rows of chunks(this.cvss)) await trx.insertInto('cvss').values(rows).execute();
    await this.flushKev();
    await this.flushEpss();
    this.deletes = [];
    this.pendingIds.clear();
    this.vulns = [];
    this.affected = [];
    this.cvss = [];
    this.kev = [];
    this.epss = [];
  }

  private async flushKev(): Promise<void> {
    for (const entries of chunks(dedupe(this.kev, (e) => e.cveId))) {
      const rows = entries.map((e) => ({
        cve_id: e.cveId,
        date_added: e.dateAdded,
        due_date: e.dueDate ?? null,
        known_ransomware: e.knownRansomwareCampaignUse ?? null,
        vendor_project: e.vendorProject ?? null,
        product: e.product ?? null,
      }));
      await this.trx
        .insertInto('kev')
        .values(rows)
        .onConflict((oc) =>
          oc.column('cve_id').doUpdateSet((eb) => ({
            date_added: eb.ref('excluded.date_added'),
            due_date: eb.ref('excluded.due_date'),
            known_ransomware: eb.ref('excluded.known_ransomware'),
            vendor_project: eb.ref('excluded.vendor_project'),
            product: eb.ref('excluded.product'),
          })),
        )
        .execute();
    }
  }

  private async flushEpss(): Promise<void> {
    for (const entries of chunks(dedupe(this.epss, (e) => e.cveId))) {
      const rows = entries.map((e) => ({
        cve_id: e.cveId,
        score: e.score,
        percentile: e.percentile,
        score_date: e.date ?? null,
      }));
      await this.trx
        .insertInto('epss')
        .values(rows)
        .onConflict((oc) =>
          oc.column('cve_id').doUpdateSet((eb) => ({
            score: eb.ref('excluded.score'),
            percentile: eb.ref('excluded.percentile'),
            score_date: eb.ref('excluded.score_date'),
          })),
        )
        .execute();
    }
  }
}

function* chunks<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Last one wins: one statement may not upsert the same key twice (PostgreSQL refuses it). */
function dedupe<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}
