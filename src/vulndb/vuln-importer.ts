import type { Kysely, Transaction } from 'kysely';
import { emptyChangeSet, type ChangeSet, type FeedBatch, type FeedItem } from './import-types.js';
import type { VulnDatabase } from './vuln-db-schema.js';
import { isOlder } from './modified-order.js';
import { WriteBuffer } from './write-buffer.js';
import { ChangedKeys } from './changed-keys.js';
import { appendImportLog } from './import-log.js';
import { affectedToRow, cvssToRow, recordDigest, recordToRow } from './vuln-row-codec.js';
import type { AffectedRow, VulnRecord } from './vuln-types.js';

export interface ImportOptions {
  /** Called every `progressEvery` items with the running item count (progress bars). */
  onProgress?: (feed: string, items: number) => void;
  now?: () => Date;
}

interface StoredState {
  modified: string;
  digest: string;
  withdrawn: boolean;
}

type Trx = Transaction<VulnDatabase>;

/**
 * Imports feed batches in ONE transaction: a failure anywhere (a stream error, a truncated gzip, a
 * bug) rolls everything back, so the previous data keeps serving. Per record: older or unchanged →
 * skipped; new or changed → the feed's rows for that id are replaced. Unusable input is counted, never
 * fatal. The change set, with the package keys it touched, is appended to the import log in the same
 * transaction (src/vulndb/import-log.ts).
 */
export async function importBatches(
  db: Kysely<VulnDatabase>,
  batches: readonly FeedBatch[],
  opts: ImportOptions = {},
): Promise<ChangeSet> {
  const change = emptyChangeSet();
  const changed = new ChangedKeys();
  await db.transaction().execute(async (trx) => {
    for (const batch of batches) await importBatch(trx, batch, change, changed, opts);
    change.keys = changed.sorted();
    change.enrichmentChanged = changed.rowlessRecords > 0 || change.counts.kev > 0 || change.counts.epss > 0;
    change.seq = await appendImportLog(trx, {
      kind: 'import',
      feeds: change.feeds,
      finishedAt: (opts.now ?? (() => new Date()))().toISOString(),
      changeSet: change,
    });
  });
  return change;
}

async function importBatch(
  trx: Trx,
  batch: FeedBatch,
  change: ChangeSet,
  changed: ChangedKeys,
  opts: ImportOptions,
): Promise<void> {
  const { feed } = batch;
  change.feeds.push(feed);
  const stored = await loadStored(trx, feed);
  const buf = new WriteBuffer(trx, feed, changed);
  const run = new BatchRun(trx, batch, change, stored, buf, changed);
  let n = 0;
  for await (const item of batch.items) {
    await run.apply(item);
    if (++n % 2000 === 0) opts.onProgress?.(feed, n);
  }
  await buf.flush();
  opts.onProgress?.(feed, n);
  await writeFeedStatus(trx, feed, run, change, (opts.now ?? (() => new Date()))());
}

async function loadStored(trx: Trx, feed: string): Promise<Map<string, StoredState>> {
  const rows = await trx
    .selectFrom('vulnerabilities')
    .select(['id', 'modified', 'digest', 'withdrawn'])
    .where('feed', '=', feed)
    .execute();
  return new Map(
    rows.map((r) => [r.id, { modified: r.modified, digest: r.digest, withdrawn: r.withdrawn !== null }]),
  );
}

/** State of one feed's run: decides per item, counts, and feeds the write buffer. */
class BatchRun {
  dataDate: string | undefined;
  maxModified = '';
  /** This feed's own figures (the change set accumulates over every feed of the run). */
  readonly own = { invalid: {} as Record<string, number>, skippedParts: {} as Record<string, number> };
  readonly start: { new: number; updated: number; withdrawn: number; skipped: number };
  private kevCleared = false;
  private epssCleared = false;
  private kevBefore: Set<string> | undefined;

  constructor(
    private readonly trx: Trx,
    private readonly batch: FeedBatch,
    private readonly change: ChangeSet,
    private readonly stored: Map<string, StoredState>,
    private readonly buf: WriteBuffer,
    private readonly changed: ChangedKeys,
  ) {
    this.start = {
      new: change.new.length,
      updated: change.updated.length,
      withdrawn: change.withdrawn.length,
      skipped: change.skipped,
    };
  }

  async apply(item: FeedItem): Promise<void> {
    switch (item.kind) {
      case 'record':
        return this.applyRecord(item.record, item.affected);
      case 'kev':
        await this.beforeKev();
        this.change.counts.kev++;
        if (!this.kevBefore?.has(item.entry.cveId)) this.change.kevAdded.push(item.entry.cveId);
        return this.buf.addKev(item.entry);
      case 'epss':
        if (this.batch.replaceEnrichment && !this.epssCleared) {
          this.epssCleared = true;
          await this.trx.deleteFrom('epss').execute();
        }
        this.change.counts.epss++;
        return this.buf.addEpss(item.entry);
      case 'invalid':
        this.change.invalid.count++;
        this.change.invalid.reasons[item.reason] = (this.change.invalid.reasons[item.reason] ?? 0) + 1;
        this.own.invalid[item.reason] = (this.own.invalid[item.reason] ?? 0) + 1;
        return;
      case 'skipped-part':
        this.change.skippedParts[item.reason] = (this.change.skippedParts[item.reason] ?? 0) + item.count;
        this.own.skippedParts[item.reason] = (this.own.skippedParts[item.reason] ?? 0) + item.count;
        return;
      case 'data-date':
        this.dataDate = item.date;
        return;
    }
  }

  private async beforeKev(): Promise<void> {
    if (this.kevBefore) return;
    const rows = await this.trx.selectFrom('kev').select('cve_id').execute();
    this.kevBefore = new Set(rows.map((r) => r.cve_id));
    if (this.batch.replaceEnrichment && !this.kevCleared) {
      this.kevCleared = true;
      await this.trx.deleteFrom('kev').execute();
    }
  }

  private async applyRecord(record: VulnRecord, affected: AffectedRow[]): Promise<void> {
    if (record.modified > this.maxModified) this.maxModified = record.modified;
    // A withdrawn record keeps its facts but produces no findings: its rows are not stored.
    const rows = record.withdrawn !== undefined ? [] : affected;
    const digest = recordDigest(record, rows);
    const prev = this.stored.get(record.id);
    if (prev && (isOlder(record.modified, prev.modified) || prev.digest === digest)) {
      this.change.skipped++;
      return;
    }
    // The same id twice in one input: write what is pending first so the replace sees it.
    if (this.buf.has(record.id)) await this.buf.flush();
    if (prev) this.buf.deleteRecord(record.id);
    const isWithdrawal = record.withdrawn !== undefined && !prev?.withdrawn;
    if (isWithdrawal) this.change.withdrawn.push(record.id);
    else if (prev) this.change.updated.push(record.id);
    else this.change.new.push(record.id);
    this.changed.recordChanged(this.batch.feed, record.id, rows);
    this.stored.set(record.id, {
      modified: record.modified,
      digest,
      withdrawn: record.withdrawn !== undefined,
    });
    this.change.counts.records++;
    this.change.counts.affectedRows += rows.length;
    this.change.counts.cvss += record.cvss.length;
    await this.buf.addRecord(
      recordToRow(record, this.batch.feed, digest),
      rows.map((r) => affectedToRow(r, this.batch.feed)),
      record.cvss.map((c) => cvssToRow(record.id, this.batch.feed, c)),
    );
  }
}

async function writeFeedStatus(
  trx: Trx,
  feed: string,
  run: BatchRun,
  change: ChangeSet,
  now: Date,
): Promise<void> {
  const rec = await trx
    .selectFrom('vulnerabilities')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('feed', '=', feed)
    .executeTakeFirstOrThrow();
  const rows = await trx
    .selectFrom('affected')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('feed', '=', feed)
    .executeTakeFirstOrThrow();
  let recordCount = Number(rec.n);
  let rowCount = Number(rows.n);
  if (feed === 'kev' || feed === 'epss') {
    const t = await trx
      .selectFrom(feed)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    recordCount = Number(t.n);
    rowCount = recordCount;
  }
  const summary = JSON.stringify({
    new: change.new.length - run.start.new,
    updated: change.updated.length - run.start.updated,
    withdrawn: change.withdrawn.length - run.start.withdrawn,
    skipped: change.skipped - run.start.skipped,
    invalid: run.own.invalid,
    skippedParts: run.own.skippedParts,
  });
  const values = {
    feed,
    imported_at: now.toISOString(),
    data_date: run.dataDate ?? (run.maxModified || null),
    record_count: recordCount,
    row_count: rowCount,
    last_change: summary,
  };
  await trx
    .insertInto('feed_status')
    .values(values)
    .onConflict((oc) => oc.column('feed').doUpdateSet(values))
    .execute();
}
