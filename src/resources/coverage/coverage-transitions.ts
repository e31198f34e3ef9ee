import type { Transaction } from 'kysely';
import { revokeHostKeys } from '../../accounts/host-keys.js';
import type { ScanningSettings } from '../../accounts/account-views.js';
import { updateScanning, type ScanningChange } from '../../accounts/scanning-settings.js';
import { closeFindings } from '../../findings/finding-closer.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { StoreContext } from '../../store/store-context.js';
import { forgetInventory } from '../hosts/host-agent-store.js';
import { isExcluded } from './coverage-decision.js';
import { refreshCoverage } from './coverage-store.js';

type Trx = Transaction<ServiceDatabase>;

/** The resource types each scan switch of an account governs. */
const TYPES_OF_KIND: Readonly<Record<'host' | 'image', readonly string[]>> = {
  host: ['HOST'],
  image: ['CONTAINER_IMAGE', 'CONTAINER_REPOSITORY'],
};

/**
 * After a resource's tags changed (PATCH, or re-enrollment with a token's tags), in the same
 * transaction. A host that became excluded (`vigil:exclude=true`) has its open findings closed (with
 * their events) and its inventory forgotten; one that is included again starts over: its coverage is
 * PENDING_INITIAL_SCAN and its agent is asked for a full inventory at the next check-in.
 */
export async function afterTagsChanged(
  trx: Trx,
  r: {
    accountId: string;
    resourceId: string;
    type: string;
    before: Readonly<Record<string, string>>;
    after: Readonly<Record<string, string>>;
    now: Date;
  },
): Promise<void> {
  const was = isExcluded(r.type, r.before);
  const is = isExcluded(r.type, r.after);
  if (was === is) return;
  const at = { accountId: r.accountId, resourceId: r.resourceId, now: r.now };
  if (is) {
    await closeFindings(trx, {
      accountId: r.accountId,
      criteria: { resourceId: [{ comparison: 'EQUALS', value: r.resourceId }] },
      now: r.now,
    });
    await forgetInventory(trx, { ...at, wanted: false });
    await refreshCoverage(trx, at);
  } else {
    await forgetInventory(trx, { ...at, wanted: true });
    await refreshCoverage(trx, { ...at, resetOutcome: true });
  }
}

/**
 * After an account's scan switches changed, in the same transaction (the switch itself closed the
 * findings of a kind turned off): every live resource of that kind shows SCAN_TYPE_DISABLED, or, when
 * turned back on, starts over at PENDING_INITIAL_SCAN with its agent asked for a full inventory.
 */
export async function afterScanningChanged(
  trx: Trx,
  r: { accountId: string; before: ScanningSettings; after: ScanningSettings; now: Date },
): Promise<void> {
  for (const kind of ['host', 'image'] as const) {
    if (r.before[kind] === r.after[kind]) continue;
    const on = r.after[kind];
    const rows = await trx
      .selectFrom('resources')
      .select(['id', 'type'])
      .where('account_id', '=', r.accountId)
      .where('type', 'in', TYPES_OF_KIND[kind])
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const at = { accountId: r.accountId, resourceId: row.id, now: r.now };
      if (row.type === 'HOST') await forgetInventory(trx, { ...at, wanted: on });
      await refreshCoverage(trx, { ...at, resetOutcome: on });
    }
  }
}

/**
 * A resource was deleted (its row marked, findings closed by the caller): its host keys are revoked, so
 * the agent's next check-in is refused with HOST_KEY_INVALID, and its coverage is RESOURCE_TERMINATED.
 */
export async function afterResourceDeleted(
  trx: Trx,
  r: { accountId: string; resourceId: string; now: Date },
): Promise<void> {
  await revokeHostKeys(trx, r);
  await forgetInventory(trx, { ...r, wanted: false });
  await refreshCoverage(trx, { ...r, resetOutcome: true, forgetLastScan: true });
}

/**
 * PUT …/scanning as the service does it: the switches, the findings of a kind turned off closed, and
 * the coverage of every resource of that kind, all in one transaction. Undefined: no such account.
 */
export async function updateScanningAndCoverage(
  ctx: StoreContext,
  opts: { accountId: string; patch: Partial<ScanningSettings> },
): Promise<ScanningChange | undefined> {
  const now = ctx.now();
  return updateScanning(ctx.db, {
    dialect: ctx.dialect,
    accountId: opts.accountId,
    patch: opts.patch,
    now,
    onChange: (trx, change) =>
      afterScanningChanged(trx, { accountId: opts.accountId, before: change.before, after: change.after, now }),
  });
}
