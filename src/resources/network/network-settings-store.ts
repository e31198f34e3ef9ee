import type { Kysely, Transaction } from 'kysely';
import { parseAddress } from '../../network/address/ip-address.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { NetworkSettingsInvalidError } from './network-settings-invalid-error.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/**
 * An account's network settings (table network_settings): the CIDRs it names as trusted, its VPN or
 * office. The analysis takes them out of "the internet" (network/host/source-classes.ts), so a port
 * open only to them is not internet-reachable.
 */

export interface NetworkSettings {
  trustedCidrs: string[];
}

/** A bound on what one account may name; each CIDR costs the analysis an interval subtraction. */
export const MAX_TRUSTED_CIDRS = 1000;

const NO_SETTINGS: NetworkSettings = { trustedCidrs: [] };

/**
 * The body of a PUT, checked whole before anything is stored: `{trustedCidrs: string[]}`, each an
 * IPv4 or IPv6 address with its prefix length (`203.0.113.0/24`, `2001:db8::/32`).
 */
export function checkNetworkSettings(body: unknown): NetworkSettings {
  const o = body as { trustedCidrs?: unknown } | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw new NetworkSettingsInvalidError('network settings must be an object {trustedCidrs: [...]}');
  const extra = Object.keys(o).filter((k) => k !== 'trustedCidrs');
  if (extra.length > 0)
    throw new NetworkSettingsInvalidError(`unknown network setting: ${extra[0]}`, { field: extra[0] });
  const list = o.trustedCidrs;
  if (!Array.isArray(list))
    throw new NetworkSettingsInvalidError('trustedCidrs must be an array of CIDRs', {
      field: 'trustedCidrs',
    });
  if (list.length > MAX_TRUSTED_CIDRS)
    throw new NetworkSettingsInvalidError(
      `trustedCidrs has ${list.length} entries; at most ${MAX_TRUSTED_CIDRS} are accepted`,
      { field: 'trustedCidrs', count: list.length, max: MAX_TRUSTED_CIDRS },
    );
  list.forEach((entry: unknown, index) => {
    if (!isCidr(entry))
      throw new NetworkSettingsInvalidError(
        `trustedCidrs[${index}] is not an IPv4 or IPv6 CIDR: ${JSON.stringify(entry)}`,
        { field: `trustedCidrs[${index}]`, value: entry },
      );
  });
  return { trustedCidrs: [...(list as string[])] };
}

// IPv4 in four decimal parts only: the parser behind parseAddress also takes `127.1` and hex forms.
const V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isCidr(entry: unknown): boolean {
  if (typeof entry !== 'string' || entry.length > 64) return false;
  const m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(entry);
  const text = m?.[1];
  if (text === undefined) return false;
  const addr = text.includes(':') || V4.test(text) ? parseAddress(text) : undefined;
  return addr !== undefined && Number(m?.[2]) <= (addr.family === 4 ? 32 : 128);
}

export async function networkSettingsOf(db: Db, accountId: string): Promise<NetworkSettings> {
  const row = await db
    .selectFrom('network_settings')
    .select('trusted_cidrs_json')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row ? { trustedCidrs: JSON.parse(row.trusted_cidrs_json) as string[] } : NO_SETTINGS;
}

export async function putNetworkSettings(
  db: Db,
  accountId: string,
  settings: NetworkSettings,
  now: Date,
): Promise<void> {
  const row = { trusted_cidrs_json: JSON.stringify(settings.trustedCidrs), updated_at: now.toISOString() };
  await db
    .insertInto('network_settings')
    .values({ account_id: accountId, ...row })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
    .execute();
}
