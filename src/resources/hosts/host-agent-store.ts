import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { hashKey } from '../../accounts/api-keys.js';
import { isHostKey } from '../../accounts/host-keys.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/** A host counts as offline, or its inventory as stale, after this many check-in intervals. */
export const MISSED_INTERVALS = 3;

export function afterIntervals(now: Date, intervalSeconds: number): string {
  return new Date(now.getTime() + MISSED_INTERVALS * intervalSeconds * 1000).toISOString();
}

/** What a check-in needs to know about its host, read with its key in one indexed lookup. */
export interface HostCheckinState {
  keyId: string;
  accountId: string;
  resourceId: string;
  machineId: string;
  inventoryHash: string | null;
  lastInventoryAt: string | null;
  inventoryWantedSince: string | null;
  staleAt: string | null;
  /** The coverage reason now shown, and the last scan's own outcome (null: no coverage row). */
  reason: string | null;
  outcome: string | null;
  /** Set when a CIS scan waits for this host's assessment facts: the highest security level asked. */
  cisPendingLevel?: string;
}

/** Stands for the key's hash in the compiled lookup (a value no SHA-256 hex digest can be). */
const KEY_PLACEHOLDER = '\u0000host-key-hash';

function keyLookup(db: Db) {
  return hostLookup(db).where('k.secret_hash', '=', KEY_PLACEHOLDER).where('k.revoked_at', 'is', null);
}

/** A host's check-in state through its key row, joined to its check-in row and coverage. */
function hostLookup(db: Db) {
  return db
    .selectFrom('host_keys as k')
    .innerJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'k.account_id').onRef('h.resource_id', '=', 'k.resource_id'),
    )
    .leftJoin('coverage as c', (j) =>
      j
        .onRef('c.account_id', '=', 'k.account_id')
        .onRef('c.resource_id', '=', 'k.resource_id')
        .on('c.scan_type', '=', 'PACKAGE'),
    )
    .select([
      'k.id',
      'k.account_id',
      'k.resource_id',
      'h.machine_id',
      'h.inventory_hash',
      'h.last_inventory_at',
      'h.inventory_wanted_since',
      'h.stale_at',
      'c.reason',
      'c.outcome',
      // The highest level a CIS scan waits on this host for (LEVEL_2 > LEVEL_1): a heartbeat stays one query.
      (eb) =>
        eb
          .selectFrom('cis_scan_targets as t')
          .innerJoin('cis_scans as s', 's.id', 't.scan_id')
          .select((e) => e.fn.max('s.security_level').as('level'))
          .whereRef('t.resource_account_id', '=', 'k.account_id')
          .whereRef('t.resource_id', '=', 'k.resource_id')
          .where('t.status', '=', 'PENDING')
          .where('t.facts_received_at', 'is', null)
          .where('s.status', '=', 'IN_PROGRESS')
          .as('cis_pending_level'),
    ]);
}

type KeyLookupRow = Awaited<ReturnType<ReturnType<typeof keyLookup>['executeTakeFirstOrThrow']>>;

const compiledLookups = new WeakMap<Db, CompiledQuery<KeyLookupRow>>();

/**
 * The key lookup compiled once per connection: every check-in runs it, and building and compiling the
 * query cost more than SQLite's indexed read.
 */
function keyLookupOf(db: Db): CompiledQuery<KeyLookupRow> {
  let compiled = compiledLookups.get(db);
  if (!compiled) compiledLookups.set(db, (compiled = keyLookup(db).compile()));
  return compiled;
}

/**
 * The host a presented key belongs to: one query by the key's SHA-256 (a unique index), joined to the
 * host's check-in row and its coverage. Undefined for a revoked, unknown or malformed key.
 */
export async function hostOfKey(db: Db, presented: string): Promise<HostCheckinState | undefined> {
  if (!isHostKey(presented)) return undefined;
  const compiled = keyLookupOf(db);
  const hash = hashKey(presented);
  const parameters = compiled.parameters.map((p) => (p === KEY_PLACEHOLDER ? hash : p));
  const r = (await db.executeQuery<KeyLookupRow>({ ...compiled, parameters })).rows[0];
  return r ? stateOfRow(r) : undefined;
}

/**
 * The check-in state of a host by its resource (a worker matching the host's queued inventory, which
 * holds no key): as its key's lookup reads it, now. Undefined when no live key is left (revoked).
 */
export async function hostStateOf(
  db: Db,
  ref: { accountId: string; resourceId: string },
): Promise<HostCheckinState | undefined> {
  const r = await hostLookup(db)
    .where('k.account_id', '=', ref.accountId)
    .where('k.resource_id', '=', ref.resourceId)
    .where('k.revoked_at', 'is', null)
    .orderBy('k.id')
    .limit(1)
    .executeTakeFirst();
  return r ? stateOfRow(r) : undefined;
}

function stateOfRow(r: KeyLookupRow): HostCheckinState {
  return {
    keyId: r.id,
    accountId: r.account_id,
    resourceId: r.resource_id,
    machineId: r.machine_id,
    inventoryHash: r.inventory_hash,
    lastInventoryAt: r.last_inventory_at,
    inventoryWantedSince: r.inventory_wanted_since,
    staleAt: r.stale_at,
    reason: r.reason ?? null,
    outcome: r.outcome ?? null,
    ...(r.cis_pending_level ? { cisPendingLevel: r.cis_pending_level } : {}),
  };
}

/** What an agent says about its host on every check-in (hostname and addresses when it sends them). */
export interface AgentReport {
  agentVersion: string;
  hostname?: string;
  ipAddresses?: readonly string[];
}

function reportColumns(a: AgentReport): {
  agent_version: string;
  hostname?: string;
  ip_addresses_json?: string;
} {
  return {
    agent_version: a.agentVersion,
    ...(a.hostname !== undefined ? { hostname: a.hostname } : {}),
    ...(a.ipAddresses !== undefined ? { ip_addresses_json: JSON.stringify(a.ipAddresses) } : {}),
  };
}

/**
 * A heartbeat: ONE row update (last check-in, when it would count as offline, what it reported, and
 * since when an inventory is wanted: kept from the first check-in that was asked, cleared when none is).
 */
export async function recordHeartbeat(
  db: Db,
  host: HostCheckinState,
  h: AgentReport & { now: Date; intervalSeconds: number; wantInventory: boolean; forgetInventory?: boolean },
): Promise<void> {
  const wantedSince = h.wantInventory ? (host.inventoryWantedSince ?? h.now.toISOString()) : null;
  const staleAt = h.wantInventory ? (host.staleAt ?? afterIntervals(h.now, h.intervalSeconds)) : null;
  await db
    .updateTable('host_agents')
    .set({
      ...reportColumns(h),
      last_checkin_at: h.now.toISOString(),
      offline_at: afterIntervals(h.now, h.intervalSeconds),
      checkin_interval_seconds: h.intervalSeconds,
      inventory_wanted_since: wantedSince,
      stale_at: staleAt,
      ...(h.forgetInventory ? { inventory_hash: null } : {}),
    })
    .where('account_id', '=', host.accountId)
    .where('resource_id', '=', host.resourceId)
    .execute();
}

/** An inventory arrived and was applied: it is the current one, nothing is wanted any more. */
export async function recordInventoryReceived(
  trx: Transaction<ServiceDatabase>,
  r: AgentReport & {
    accountId: string;
    resourceId: string;
    inventoryHash: string;
    now: Date;
    intervalSeconds: number;
  },
): Promise<void> {
  const now = r.now.toISOString();
  await trx
    .updateTable('host_agents')
    .set({
      ...reportColumns(r),
      last_checkin_at: now,
      offline_at: afterIntervals(r.now, r.intervalSeconds),
      checkin_interval_seconds: r.intervalSeconds,
      last_inventory_at: now,
      inventory_hash: r.inventoryHash,
      inventory_wanted_since: null,
      stale_at: null,
    })
    .where('account_id', '=', r.accountId)
    .where('resource_id', '=', r.resourceId)
    .execute();
}

/**
 * The server no longer holds a current inventory of this host (excluded, scanning switched off,
 * deleted, a failed scan): its hash is forgotten, so the next check-in is asked for a full one. With
 * `wanted`, the wait for it starts now (and can turn STALE_INVENTORY); without, nothing is wanted.
 */
export async function forgetInventory(
  trx: Transaction<ServiceDatabase>,
  r: { accountId: string; resourceId: string; now: Date; wanted: boolean },
): Promise<void> {
  const row = await trx
    .selectFrom('host_agents')
    .select('checkin_interval_seconds')
    .where('account_id', '=', r.accountId)
    .where('resource_id', '=', r.resourceId)
    .executeTakeFirst();
  if (!row) return;
  await trx
    .updateTable('host_agents')
    .set({
      inventory_hash: null,
      inventory_wanted_since: r.wanted ? r.now.toISOString() : null,
      stale_at: r.wanted ? afterIntervals(r.now, row.checkin_interval_seconds) : null,
    })
    .where('account_id', '=', r.accountId)
    .where('resource_id', '=', r.resourceId)
    .execute();
}

/** The live facts of enrolled hosts, by resource id, for resource views and coverage metadata. */
export interface AgentFacts {
  machineId: string;
  hostname: string;
  ipAddresses: string[];
  agentVersion: string;
  enrolledAt: string;
  lastCheckinAt: string;
  lastInventoryAt: string | null;
}

export async function agentFactsOf(
  db: Db,
  accountId: string,
  resourceIds: readonly string[],
): Promise<Map<string, AgentFacts>> {
  const out = new Map<string, AgentFacts>();
  for (let i = 0; i < resourceIds.length; i += 500) {
    const rows = await db
      .selectFrom('host_agents')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('resource_id', 'in', resourceIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.resource_id, agentFactsOfRow(r));
  }
  return out;
}

export function agentFactsOfRow(r: {
  machine_id: string;
  hostname: string;
  ip_addresses_json: string;
  agent_version: string;
  enrolled_at: string;
  last_checkin_at: string;
  last_inventory_at: string | null;
}): AgentFacts {
  return {
    machineId: r.machine_id,
    hostname: r.hostname,
    ipAddresses: JSON.parse(r.ip_addresses_json) as string[],
    agentVersion: r.agent_version,
    enrolledAt: r.enrolled_at,
    lastCheckinAt: r.last_checkin_at,
    lastInventoryAt: r.last_inventory_at,
  };
}
