import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors/not-found-error.js';
import type { SecretBox } from '../../store/secret-box.js';
import { registryCredentialsContext } from '../../store/secret-contexts.js';
import type { RegistryTable, ServiceDatabase } from '../../store/service-db-schema.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { registryHostOf, registryUrlOf } from './registry-address.js';
import { RegistryExistsError } from './registry-exists-error.js';
import { RegistryInvalidError } from './registry-invalid-error.js';

type Db = Kysely<ServiceDatabase>;
export type RegistryRow = Selectable<RegistryTable>;

export const DISCOVERY_MODES = ['NOTIFICATIONS', 'POLLING', 'BOTH'] as const;
export type DiscoveryMode = (typeof DISCOVERY_MODES)[number];
export const NOTIFICATION_SECRET_PREFIX = 'vrn_';
/** Polling more often than this would make vigil a load test of the registry. */
export const MIN_POLL_INTERVAL_SECONDS = 60;
export const DEFAULT_POLL_INTERVAL_SECONDS = 3600;

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryInput {
  name: string;
  url: string;
  credentials?: RegistryCredentials | null;
  insecure?: boolean;
  discovery: DiscoveryMode;
  pollInterval?: number;
}

/** The API shape: never the credentials (only whether there are some), never the secret. */
export interface RegistryView {
  id: string;
  accountId: string;
  name: string;
  url: string;
  host: string;
  insecure: boolean;
  discovery: DiscoveryMode;
  pollInterval: number | null;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
  lastPolledAt: string | null;
  pollError: { code: string; message: string } | null;
}

export function registryView(r: RegistryRow): RegistryView {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    url: registryUrlOf(r.host, r.insecure === 1),
    host: r.host,
    insecure: r.insecure === 1,
    discovery: r.discovery as DiscoveryMode,
    pollInterval: r.poll_interval_seconds,
    hasCredentials: r.credentials_sealed !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastPolledAt: r.last_polled_at,
    pollError: r.poll_error_json
      ? (JSON.parse(r.poll_error_json) as { code: string; message: string })
      : null,
  };
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

function pollIntervalOf(discovery: DiscoveryMode, seconds: number | undefined | null): number | null {
  if (discovery === 'NOTIFICATIONS') {
    if (seconds !== undefined && seconds !== null)
      throw new RegistryInvalidError('pollInterval needs discovery POLLING or BOTH', {
        pollInterval: seconds,
      });
    return null;
  }
  const s = seconds ?? DEFAULT_POLL_INTERVAL_SECONDS;
  if (!Number.isInteger(s) || s < MIN_POLL_INTERVAL_SECONDS)
    throw new RegistryInvalidError(`pollInterval is whole seconds, at least ${MIN_POLL_INTERVAL_SECONDS}`, {
      pollInterval: s,
    });
  return s;
}

function sealCredentials(
  secrets: SecretBox,
  id: string,
  c: RegistryCredentials | null | undefined,
): string | null {
  return c
    ? secrets.seal(
        JSON.stringify({ username: c.username, password: c.password }),
        registryCredentialsContext(id),
      )
    : null;
}

/** The stored credentials, opened (for the scan and the check only: never returned by the API). */
export function registryCredentials(secrets: SecretBox, r: RegistryRow): RegistryCredentials | undefined {
  if (!r.credentials_sealed) return undefined;
  return JSON.parse(
    secrets.open(r.credentials_sealed, registryCredentialsContext(r.id)),
  ) as RegistryCredentials;
}

/** Creates a registry; returns it with its notification secret, shown this once. */
export async function createRegistry(
  db: Db,
  secrets: SecretBox,
  accountId: string,
  input: RegistryInput,
  now: string,
): Promise<{ registry: RegistryView; notificationSecret: string }> {
  const insecure = input.insecure === true;
  const id = randomUUID();
  const notificationSecret = `${NOTIFICATION_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row: RegistryRow = {
    id,
    account_id: accountId,
    name: input.name.trim(),
    host: registryHostOf(input.url, insecure),
    insecure: insecure ? 1 : 0,
    discovery: input.discovery,
    poll_interval_seconds: pollIntervalOf(input.discovery, input.pollInterval),
    credentials_sealed: sealCredentials(secrets, id, input.credentials),
    notification_secret_hash: hashSecret(notificationSecret),
    created_at: now,
    updated_at: now,
    last_polled_at: null,
    poll_error_json: null,
  };
  try {
    await db.insertInto('registries').values(row).execute();
  } catch (err) {
    throw isUniqueViolation(err) ? new RegistryExistsError(row.name) : err;
  }
  return { registry: registryView(row), notificationSecret };
}

export async function registryRow(db: Db, accountId: string, id: string): Promise<RegistryRow> {
  const row = await db
    .selectFrom('registries')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`registry ${id}`);
  return row;
}

export async function listRegistries(db: Db, accountId: string): Promise<RegistryView[]> {
  const rows = await db
    .selectFrom('registries')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name')
    .execute();
  return rows.map(registryView);
}

/** Changes the given fields; `credentials: null` removes them. The notification secret stays. */
export async function updateRegistry(
  db: Db,
  secrets: SecretBox,
  accountId: string,
  id: string,
  patch: Partial<RegistryInput>,
  now: string,
): Promise<RegistryView> {
  const old = await registryRow(db, accountId, id);
  const insecure = patch.insecure ?? old.insecure === 1;
  const discovery = patch.discovery ?? (old.discovery as DiscoveryMode);
  const keepInterval = patch.pollInterval === undefined && patch.discovery === undefined;
  const row: RegistryRow = {
    ...old,
    name: patch.name?.trim() ?? old.name,
    host: patch.url !== undefined ? registryHostOf(patch.url, insecure) : old.host,
    insecure: insecure ? 1 : 0,
    discovery,
    poll_interval_seconds: keepInterval
      ? old.poll_interval_seconds
      : pollIntervalOf(
          discovery,
          patch.pollInterval ?? (discovery === 'NOTIFICATIONS' ? undefined : old.poll_interval_seconds),
        ),
    credentials_sealed:
      patch.credentials === undefined
        ? old.credentials_sealed
        : sealCredentials(secrets, id, patch.credentials),
    updated_at: now,
  };
  try {
    await db.updateTable('registries').set(row).where('id', '=', id).execute();
  } catch (err) {
    throw isUniqueViolation(err) ? new RegistryExistsError(row.name) : err;
  }
  return registryView(row);
}

/** Deletes a registry: vigil stops listening to it and polling it; its images stay as they are. */
export async function deleteRegistry(db: Db, accountId: string, id: string): Promise<void> {
  await registryRow(db, accountId, id);
  await db.deleteFrom('registries').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * The registry a notification is for, when `presented` is its secret (compared in constant time on
 * the hashes); undefined for an unknown id, 'mismatch' for a missing or wrong secret.
 */
export async function registryOfNotification(
  db: Db,
  id: string,
  presented: string | undefined,
): Promise<RegistryRow | 'mismatch' | undefined> {
  const row = await db.selectFrom('registries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  if (!presented) return 'mismatch';
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(row.notification_secret_hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? row : 'mismatch';
}

/** What polling wrote last: when, and the error if it failed. */
export async function recordPoll(
  db: Db,
  id: string,
  at: string,
  error: { code: string; message: string } | null,
): Promise<void> {
  await db
    .updateTable('registries')
    .set({ last_polled_at: at, poll_error_json: error ? JSON.stringify(error) : null })
    .where('id', '=', id)
    .execute();
}

/** Registries that poll and whose interval has passed since their last poll. */
export async function registriesDueForPoll(db: Db, now: Date): Promise<RegistryRow[]> {
  const rows = await db
    .selectFrom('registries')
    .selectAll()
    .where('discovery', 'in', ['POLLING', 'BOTH'])
    .orderBy('id')
    .execute();
  return rows.filter(
    (r) =>
      r.last_polled_at === null ||
      Date.parse(r.last_polled_at) + (r.poll_interval_seconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000 <=
        now.getTime(),
  );
}
