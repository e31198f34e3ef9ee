import type { Kysely, Migration } from 'kysely';

/**
 * Hosts, continuously (issue 12):
 * - enrollment_tokens: secrets an admin hands to `vigil agent` (SHA-256 only), with the tags they put
 *   on the hosts they enroll, an expiry and a use count that is raised atomically (`uses < max_uses`
 *   in the UPDATE's WHERE, so the last use is won by exactly one enrollment on both dialects).
 * - host_keys: the per-host credential an enrollment returns (SHA-256 only), bound to one account and
 *   one HOST resource; re-enrolling revokes the previous ones.
 * - host_agents: one row per enrolled host with its live check-in facts. The heartbeat path reads it
 *   joined to its key by the key's hash and writes this one row. `offline_at` and `stale_at` are the
 *   instants the host counts as AGENT_OFFLINE / STALE_INVENTORY (3 check-in intervals), precomputed
 *   so the liveness job finds them with an indexed comparison on either dialect.
 * - coverage: one row per (resource, scan type), Inspector's coverage: status, reason and message as
 *   shown, and the last scan's own outcome kept apart so a passing condition (an offline agent, an
 *   exclusion tag) can give way to it again.
 * Existing resources get their coverage row here (backfill), as later code would have written it.
 * The coverage table is the ONE store of a resource's coverage: migration 0006 had put a status and a
 * reason on `resources` (harden); the backfill decides them again from the same facts (an empty
 * stored inventory is NO_INVENTORY, as 0006's writers had it) and those two columns are dropped.
 */
export function m0008FleetCoverage(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await createTokenTables(db);
      await createCoverageTables(db);
      await backfillCoverage(db as Kysely<BackfillDb>);
      await db.schema.alterTable('resources').dropColumn('coverage_status').execute();
      await db.schema.alterTable('resources').dropColumn('coverage_reason').execute();
    },
  };
}

async function createTokenTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('enrollment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('enrollment_tokens_account')
    .on('enrollment_tokens')
    .column('account_id')
    .execute();
  await db.schema
    .createTable('host_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('enrollment_token_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('host_keys_resource')
    .on('host_keys')
    .columns(['account_id', 'resource_id'])
    .execute();
}

async function createCoverageTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('host_agents')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('ip_addresses_json', 'text', (c) => c.notNull())
    .addColumn('agent_version', 'text', (c) => c.notNull())
    .addColumn('checkin_interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('last_checkin_at', 'text', (c) => c.notNull())
    .addColumn('offline_at', 'text', (c) => c.notNull())
    .addColumn('last_inventory_at', 'text')
    .addColumn('inventory_hash', 'text')
    .addColumn('inventory_wanted_since', 'text')
    .addColumn('stale_at', 'text')
    .addPrimaryKeyConstraint('host_agents_pk', ['account_id', 'resource_id'])
    .execute();
  await db.schema
    .createIndex('host_agents_machine')
    .on('host_agents')
    .columns(['account_id', 'machine_id'])
    .unique()
    .execute();
  await db.schema.createIndex('host_agents_offline').on('host_agents').column('offline_at').execute();
  await db.schema.createIndex('host_agents_stale').on('host_agents').column('stale_at').execute();
  await db.schema
    .createTable('coverage')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('scan_type', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('outcome_message', 'text')
    .addColumn('last_scanned_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('coverage_pk', ['account_id', 'resource_id', 'scan_type'])
    .execute();
  await db.schema.createIndex('coverage_status').on('coverage').columns(['status', 'reason']).execute();
  await db.schema
    .createIndex('coverage_account_status')
    .on('coverage')
    .columns(['account_id', 'status', 'reason'])
    .execute();
}

interface BackfillDb {
  resources: {
    id: string;
    account_id: string;
    type: string;
    tags_json: string;
    created_at: string;
    updated_at: string;
    deleted_at: string | null;
  };
  accounts: { id: string; host_scanning: number; image_scanning: number };
  inventories: { account_id: string; resource_id: string; inventory_json: string; updated_at: string };
  coverage: {
    account_id: string;
    resource_id: string;
    scan_type: string;
    resource_type: string;
    status: string;
    reason: string;
    message: string | null;
    outcome: string;
    outcome_message: string | null;
    last_scanned_at: string | null;
    updated_at: string;
  };
}

const BATCH = 200;

/**
 * A coverage row for every resource that exists, decided by the same precedence the service uses
 * (src/resources/coverage/coverage-decision.ts, which the store cannot import): deleted →
 * RESOURCE_TERMINATED; scan type off → SCAN_TYPE_DISABLED; a HOST tagged vigil:exclude=true →
 * EXCLUDED_BY_TAG; else its stored inventory decides (packages → SUCCESSFUL at the inventory's time,
 * none → NO_INVENTORY), or PENDING_INITIAL_SCAN. No events: nothing changed, it is first written down.
 */
async function backfillCoverage(db: Kysely<BackfillDb>): Promise<void> {
  const accounts = new Map(
    (await db.selectFrom('accounts').select(['id', 'host_scanning', 'image_scanning']).execute()).map((a) => [
      a.id,
      a,
    ]),
  );
  let after = { account: '', id: '' };
  for (;;) {
    const rows = await db
      .selectFrom('resources')
      .leftJoin('inventories', (j) =>
        j
          .onRef('inventories.account_id', '=', 'resources.account_id')
          .onRef('inventories.resource_id', '=', 'resources.id'),
      )
      .select([
        'resources.id',
        'resources.account_id',
        'resources.type',
        'resources.tags_json',
        'resources.updated_at',
        'resources.deleted_at',
        'inventories.inventory_json',
        'inventories.updated_at as inventory_at',
      ])
      .where((eb) =>
        eb.or([
          eb('resources.account_id', '>', after.account),
          eb.and([eb('resources.account_id', '=', after.account), eb('resources.id', '>', after.id)]),
        ]),
      )
      .orderBy('resources.account_id')
      .orderBy('resources.id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    await db
      .insertInto('coverage')
      .values(rows.map((r) => backfillRow(r, accounts.get(r.account_id))))
      .execute();
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) return;
    after = { account: last.account_id, id: last.id };
  }
}

function backfillRow(
  r: {
    id: string;
    account_id: string;
    type: string;
    tags_json: string;
    updated_at: string;
    deleted_at: string | null;
    inventory_json: string | null;
    inventory_at: string | null;
  },
  account: { host_scanning: number; image_scanning: number } | undefined,
): BackfillDb['coverage'] {
  const packages = r.inventory_json
    ? ((JSON.parse(r.inventory_json) as { packages?: unknown[] }).packages?.length ?? 0)
    : undefined;
  const outcome =
    packages === undefined ? 'PENDING_INITIAL_SCAN' : packages > 0 ? 'SUCCESSFUL' : 'NO_INVENTORY';
  const enabled = r.type === 'HOST' ? account?.host_scanning !== 0 : account?.image_scanning !== 0;
  const tags = JSON.parse(r.tags_json) as Record<string, string>;
  const reason = r.deleted_at
    ? 'RESOURCE_TERMINATED'
    : !enabled
      ? 'SCAN_TYPE_DISABLED'
      : r.type === 'HOST' && tags['vigil:exclude']?.toLowerCase() === 'true'
        ? 'EXCLUDED_BY_TAG'
        : outcome;
  const active = reason === 'PENDING_INITIAL_SCAN' || reason === 'SUCCESSFUL';
  return {
    account_id: r.account_id,
    resource_id: r.id,
    scan_type: 'PACKAGE',
    resource_type: r.type,
    status: active ? 'ACTIVE' : 'INACTIVE',
    reason,
    message: reason === 'NO_INVENTORY' ? 'the stored inventory has no packages' : null,
    outcome,
    outcome_message: null,
    last_scanned_at: outcome === 'SUCCESSFUL' ? r.inventory_at : null,
    updated_at: r.deleted_at ?? r.updated_at,
  };
}
