import type { Kysely } from 'kysely';
import { openFindingDigests, recordFindingsDigests } from '../findings/finding-digest-store.js';
import { inventoriesStoredAt } from '../resources/rematch-targets.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { ServiceDialect } from '../store/service-db.js';
import type { Pending } from './rematch-pending.js';
import type { FindingTemplate } from './scan-memo.js';

/** Hosts compared and vouched for per transaction: it holds SQLite's one writer while it reads. */
const HOSTS_PER_TRANSACTION = 50;

/**
 * A full re-match's hosts whose result does not have their recorded digest (none recorded: an
 * advisory's re-match or the closer wrote their findings since) compared by their stored digests, many
 * hosts per transaction: a host the data did not change gets its digest recorded and no write of its
 * findings; the ones returned differ and go through the lifecycle. Before, each went through its own
 * write transaction to find it had nothing to write. Read and record share a transaction (the inventory not stored again meanwhile, locked on
 * PostgreSQL), so a check-in between them cannot leave a digest that no longer vouches for its host.
 */
export async function vouchUnchanged(
  db: Kysely<ServiceDatabase>,
  dialect: ServiceDialect,
  hosts: readonly Pending[],
): Promise<Pending[]> {
  const changed: Pending[] = [];
  for (let i = 0; i < hosts.length; i += HOSTS_PER_TRANSACTION) {
    const chunk = hosts.slice(i, i + HOSTS_PER_TRANSACTION);
    await db.transaction().execute(async (trx) => {
      const targets = chunk.map((h) => h.target);
      const storedAt = await inventoriesStoredAt(trx, targets, dialect === 'postgres');
      const current = chunk.filter((h) => storedAt.get(key(h.target)) === h.target.inventoryUpdatedAt);
      const stored = await openFindingDigests(
        trx,
        current.map((h) => h.target),
      );
      const same = current.filter((h) => !differs(h.found, stored.get(key(h.target)) ?? new Map()));
      await recordFindingsDigests(
        trx,
        same.map((h) => ({ ...h.target, digest: h.digest ?? '' })),
      );
      const vouched = new Set(same);
      // A host stored again meanwhile goes on too: the lifecycle's own guard skips it.
      changed.push(...chunk.filter((h) => !vouched.has(h)));
    });
  }
  return changed;
}

const key = (h: { accountId: string; resourceId: string }): string => `${h.accountId}\0${h.resourceId}`;

/**
 * Whether applying a full re-match's `found` would change the stored package findings: a finding not
 * stored open, or with another digest, or a stored open finding no longer found. `open` is
 * openFindingDigests' map of one resource. No hashing, no JSON.
 */
export function differs(found: readonly FindingTemplate[], open: ReadonlyMap<string, string>): boolean {
  for (const t of found) if (open.get(`${t.packageKey}\0${t.vulnerabilityId}`) !== t.digest) return true;
  // Every found one is stored open; so it stays unless more are open (found identities are distinct).
  return open.size > found.length;
}
