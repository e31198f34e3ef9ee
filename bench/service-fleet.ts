import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../src/accounts/api-keys.js';
import { buildServer } from '../src/server/server-app.js';
import type { ServiceDb } from '../src/store/service-db.js';
import type { VulnStore } from '../src/vulndb/vuln-types.js';
import type { ServiceVulnDb } from '../src/jobs/service-context.js';

export const BENCH_NOW = '2026-06-01T00:00:00.000Z';

export interface Fleet {
  accounts: string[];
  /** The delegated admin's admin key: sees every account of the organization. */
  orgAdminKey: string;
  /** One member key per account, same order as `accounts`. */
  memberKeys: string[];
}

/** An organization of `n` accounts (the first is its delegated admin) and a key per account. */
export async function seedFleet(db: ServiceDb, n: number): Promise<Fleet> {
  return fleetKeys(db, await seedOrganization(db, n));
}

/** An organization of `n` accounts, the first its delegated admin; the account ids. */
export async function seedOrganization(db: ServiceDb, n: number): Promise<string[]> {
  const k = db.kysely;
  const accounts = Array.from({ length: n }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
  await k
    .insertInto('organizations')
    .values({ id: 'org-bench', name: 'Bench', delegated_admin_account_id: null, created_at: BENCH_NOW })
    .execute();
  for (const id of accounts) {
    await k
      .insertInto('accounts')
      .values({
        id,
        name: id,
        organization_id: 'org-bench',
        host_scanning: 1,
        image_scanning: 1,
        network_scanning: 1,
        created_at: BENCH_NOW,
      })
      .execute();
  }
  await k
    .updateTable('organizations')
    .set({ delegated_admin_account_id: accounts[0] as string })
    .where('id', '=', 'org-bench')
    .execute();
  return accounts;
}

/**
 * New keys for an organization's accounts: the delegated admin's admin key and a member key each.
 * Made per run, so a cached database holds no usable key.
 */
export async function fleetKeys(db: ServiceDb, accounts: string[]): Promise<Fleet> {
  const k = db.kysely;
  const orgAdminKey = (await createApiKey(k, { accountId: accounts[0] as string, role: 'admin' })).key;
  const memberKeys: string[] = [];
  for (const accountId of accounts)
    memberKeys.push((await createApiKey(k, { accountId, role: 'member' })).key);
  return { accounts, orgAdminKey, memberKeys };
}

/**
 * The real server on 127.0.0.1, port 0. Background tasks off (nothing for them to do here, and their
 * polling would only add noise); the rate limit raised so the bench measures the API, not the limiter.
 */
export async function listenBench(
  db: ServiceDb,
  store?: VulnStore,
  /** The DB with its import log, as `vigil server --db` has it (its re-match job, run by hand). */
  vulnDb?: ServiceVulnDb,
): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildServer({
    db,
    ...(store ? { store } : {}),
    ...(vulnDb ? { vulnDb } : {}),
    background: false,
    config: { rateLimitPerMinute: 1_000_000_000 },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base };
}

/** Peak resident set size of this process so far (kbytes). */
export function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** Runs `work(i)` for i in [0, n) with at most `concurrency` in flight, in index order. */
export async function pool(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}
