import type { Kysely, Selectable } from 'kysely';
import type { AccountTable, ServiceDatabase } from '../store/service-db-schema.js';

/** Which scan kinds an account wants: a kind switched off is refused by the scan routes. */
export interface ScanningSettings {
  host: boolean;
  image: boolean;
  network: boolean;
}

export interface AccountView {
  id: string;
  name: string;
  organizationId: string | null;
  scanning: ScanningSettings;
  createdAt: string;
}

export function scanningOfRow(
  r: Pick<Selectable<AccountTable>, 'host_scanning' | 'image_scanning' | 'network_scanning'>,
): ScanningSettings {
  return { host: r.host_scanning === 1, image: r.image_scanning === 1, network: r.network_scanning === 1 };
}

export function accountOfRow(
  r: Pick<
    Selectable<AccountTable>,
    'id' | 'name' | 'organization_id' | 'host_scanning' | 'image_scanning' | 'network_scanning' | 'created_at'
  >,
): AccountView {
  return {
    id: r.id,
    name: r.name,
    organizationId: r.organization_id,
    scanning: scanningOfRow(r),
    createdAt: r.created_at,
  };
}

/** The accounts among `ids` that exist, by id (callers pass the key's visible accounts). */
export async function listAccounts(
  db: Kysely<ServiceDatabase>,
  ids: readonly string[],
): Promise<AccountView[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('accounts').selectAll().where('id', 'in', ids).orderBy('id').execute();
  return rows.map(accountOfRow);
}

export async function getAccount(db: Kysely<ServiceDatabase>, id: string): Promise<AccountView | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && accountOfRow(row);
}
