import { createApiKey } from '../../../src/accounts/api-keys.js';
import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's key (created by B's admin through the API) and an organization account A is not in.
 * The organization is not org-1: A belongs to org-1 and may read it, so the walk needs a foreign one
 * to prove a non-member gets 404. Its first account comes from the DB as `vigil admin create-key`
 * makes it; the organization itself is created through the API.
 */
export async function seedAccounts({ s, db }: SeedContext): Promise<SeededIds> {
  const key = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/keys', {
    role: 'member',
    name: 'b-agent',
  });
  if (key.status !== 201) throw new Error(`seed: key of B: ${key.status}`);
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('accounts')
    .values({
      id: 'acct-elsewhere',
      name: 'elsewhere',
      organization_id: null,
      host_scanning: 1,
      image_scanning: 1,
      network_scanning: 1,
      created_at: now,
    })
    .execute();
  const admin = await createApiKey(db.kysely, { accountId: 'acct-elsewhere', role: 'admin' });
  const org = await call(s.base, admin.key, 'POST', '/v1/organizations', { name: 'Elsewhere' });
  if (org.status !== 201) throw new Error(`seed: organization: ${org.status}`);
  return { keyId: (key.json as { id: string }).id, organizationId: (org.json as { id: string }).id };
}
