import { PACKAGE_SCAN_TYPES } from '../findings/finding-lifecycle.js';
import { observableInPlace } from '../findings/finding-observe.js';
import type { FindingResource } from '../findings/finding-types.js';
import type { HostCheckinState } from '../resources/hosts/host-agent-store.js';
import { knownInventoryOf, type KnownInventory } from '../resources/inventory-delta.js';
import type { StoreContext } from '../store/store-context.js';
import type { LoggedVulnDb } from './rematch-from-log.js';

/**
 * The inventory the server holds for a host, when matching only what changed since is the same as
 * matching it whole (checkin-scan.ts); else undefined. That holds when:
 * - the last scan of the host was SUCCESSFUL with that inventory, and the server did not forget it (an
 *   exclusion, a scan kind turned back on or an error forgets it and wants a full one);
 * - the re-match has caught up with every import the vulnerability DB logged, so the stored findings
 *   are what the current data gives (an import not yet re-matched: the check-in matches whole, as
 *   before; without the DB's import log, always whole);
 * - its open findings carry the resource block a scan would write now (details, tags), so observing
 *   them in place writes what the lifecycle would.
 */
export async function knownCurrentInventory(
  ctx: StoreContext & { vulnDb?: LoggedVulnDb },
  host: HostCheckinState,
  resource: FindingResource,
): Promise<KnownInventory | undefined> {
  if (host.inventoryHash === null || host.reason !== 'SUCCESSFUL' || host.outcome !== 'SUCCESSFUL')
    return undefined;
  if (!ctx.vulnDb || !(await rematchCaughtUp(ctx, ctx.vulnDb))) return undefined;
  const known = await knownInventoryOf(ctx.db, { accountId: host.accountId, resourceId: host.resourceId });
  if (!known) return undefined;
  const same = await observableInPlace(ctx.db, {
    accountId: host.accountId,
    resource,
    types: PACKAGE_SCAN_TYPES,
  });
  return same ? known : undefined;
}

/** True when the re-match position (rematch-from-log.ts) is at the DB's newest import. */
async function rematchCaughtUp(ctx: StoreContext, vulnDb: LoggedVulnDb): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('rematch_state')
    .select('last_seq')
    .where('vulndb_id', '=', await vulnDb.identity())
    .executeTakeFirst();
  return row !== undefined && Number(row.last_seq) >= (await vulnDb.latestImportSeq());
}
