import { appendAll } from '../core/append-all.js';
import type { Kysely, Transaction } from 'kysely';
import { appendEvents } from '../events/event-outbox.js';
import { closeFindings } from '../findings/finding-closer.js';
import type { FilterCriteria } from '../findings/filter-criteria.js';
import type { ServiceDialect } from '../store/service-db.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { scanningOfRow, type ScanningSettings } from './account-views.js';
import { ScanningDisabledError } from './scanning-disabled-error.js';

export type ScanKind = keyof ScanningSettings;

const eq = (value: string): Array<{ comparison: 'EQUALS'; value: string }> => [
  { comparison: 'EQUALS', value },
];

/** The findings each scan kind produces: switching a kind off closes exactly these. */
export const FINDINGS_OF_KIND: Readonly<Record<ScanKind, FilterCriteria>> = {
  host: { resourceType: eq('HOST'), findingType: eq('PACKAGE_VULNERABILITY') },
  image: { resourceType: eq('CONTAINER_IMAGE') },
  network: { findingType: eq('NETWORK_REACHABILITY') },
};

const COLUMN_OF_KIND = {
  host: 'host_scanning',
  image: 'image_scanning',
  network: 'network_scanning',
} as const;

/** Whether the account scans this kind; false for an unknown account. */
export async function scanningEnabled(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  kind: ScanKind,
): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select(['host_scanning', 'image_scanning', 'network_scanning'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row ? scanningOfRow(row)[kind] : false;
}

/** Throws SCANNING_DISABLED (HTTP 409) when the account switched this kind of scanning off. */
export async function requireScanningEnabled(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  kind: ScanKind,
): Promise<void> {
  if (!(await scanningEnabled(db, accountId, kind))) throw new ScanningDisabledError(accountId, kind);
}

export interface ScanningChange {
  before: ScanningSettings;
  after: ScanningSettings;
  /** Ids of the findings closed because their kind was switched off. */
  closedFindingIds: string[];
}

/**
 * Sets an account's scan kinds in ONE transaction: the flags, the closing of the findings of every kind
 * switched from on to off (nothing will ever scan them again, so they would stay open forever), and a
 * `vigil.coverage.changed` event. Switching a kind back on reopens nothing: the next scan decides.
 * Undefined when the account does not exist.
 */
export async function updateScanning(
  db: Kysely<ServiceDatabase>,
  opts: {
    dialect: ServiceDialect;
    accountId: string;
    patch: Partial<ScanningSettings>;
    now: Date;
    /** Runs in the same transaction after a change (what depends on the switches: coverage). */
    onChange?: (trx: Transaction<ServiceDatabase>, change: ScanningChange) => Promise<void>;
  },
): Promise<ScanningChange | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('accounts')
      .select(['host_scanning', 'image_scanning', 'network_scanning'])
      .where('id', '=', opts.accountId)
      // PostgreSQL: two concurrent changes serialize, so each sees the other's flags as "before".
      .$if(opts.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row) return undefined;
    const before = scanningOfRow(row);
    const after: ScanningSettings = { ...before, ...definedOnly(opts.patch) };
    const kinds = Object.keys(COLUMN_OF_KIND) as ScanKind[];
    const changed = kinds.filter((k) => before[k] !== after[k]);
    if (changed.length === 0) return { before, after, closedFindingIds: [] };
    await trx
      .updateTable('accounts')
      .set(Object.fromEntries(changed.map((k) => [COLUMN_OF_KIND[k], after[k] ? 1 : 0])))
      .where('id', '=', opts.accountId)
      .execute();
    const closedFindingIds: string[] = [];
    for (const kind of changed.filter((k) => !after[k])) {
      const closed = await closeFindings(trx, {
        accountId: opts.accountId,
        criteria: FINDINGS_OF_KIND[kind],
        now: opts.now,
      });
      appendAll(
        closedFindingIds,
        closed.map((f) => f.id),
      );
    }
    const data = { accountId: opts.accountId, before, after, closedFindings: closedFindingIds.length };
    await appendEvents(
      trx,
      [{ type: 'vigil.coverage.changed', accountId: opts.accountId, subject: opts.accountId, data }],
      opts.now.toISOString(),
    );
    const change = { before, after, closedFindingIds };
    await opts.onChange?.(trx, change);
    return change;
  });
}

function definedOnly(patch: Partial<ScanningSettings>): Partial<ScanningSettings> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => typeof v === 'boolean'));
}
