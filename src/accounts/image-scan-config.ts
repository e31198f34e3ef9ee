import type { Kysely } from 'kysely';
import { ValidationError } from '../core/errors/validation-error.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import {
  getImageRescan,
  setImageRescan,
  type ImageRescanSettings,
  type PullRescanDuration,
  type PullRescanMode,
  type RescanDuration,
} from './image-rescan-settings.js';

export const SCAN_FREQUENCIES = ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'] as const;
export type ScanFrequency = (typeof SCAN_FREQUENCIES)[number];

/** Inspector's ECR inclusion filter: a repository wildcard and how its images are scanned. */
export interface InclusionRule {
  repositoryFilter: string;
  filterType: 'WILDCARD';
  scanFrequency: ScanFrequency;
}

export interface ImageScanConfig extends ImageRescanSettings {
  rules: InclusionRule[];
}

/** As Inspector does when image scanning is switched on: every repository, scanned continuously. */
export const DEFAULT_RULES: readonly InclusionRule[] = [
  { repositoryFilter: '*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' },
];
export const MAX_RULES = 100;
const FILTER = /^[a-z0-9._/*-]{1,255}$/;

/** The rule set checked: filters are repository names with `*` wildcards. */
export function checkRules(rules: readonly InclusionRule[]): InclusionRule[] {
  if (rules.length > MAX_RULES) throw new ValidationError(`at most ${MAX_RULES} inclusion rules`);
  for (const r of rules)
    if (!FILTER.test(r.repositoryFilter))
      throw new ValidationError(
        `repositoryFilter ${JSON.stringify(r.repositoryFilter)}: lowercase repository name characters and * only`,
      );
  return rules.map((r) => ({ ...r }));
}

function wildcard(filter: string): RegExp {
  const body = filter
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * How images of a repository are scanned: the strongest rule that matches it (CONTINUOUS_SCAN over
 * SCAN_ON_PUSH, as ECR resolves overlapping filters), or null when none does. `*` matches any run of
 * characters, slashes included (`team-a/*` covers `team-a/app` and `team-a/x/y`).
 */
export function frequencyOf(rules: readonly InclusionRule[], repository: string): ScanFrequency | null {
  let found: ScanFrequency | null = null;
  for (const r of rules) {
    if (!wildcard(r.repositoryFilter).test(repository)) continue;
    if (r.scanFrequency === 'CONTINUOUS_SCAN') return r.scanFrequency;
    found = r.scanFrequency;
  }
  return found;
}

/** Undefined for an unknown account. */
export async function getImageScanConfig(
  db: Kysely<ServiceDatabase>,
  accountId: string,
): Promise<ImageScanConfig | undefined> {
  const rescan = await getImageRescan(db, accountId);
  if (!rescan) return undefined;
  const row = await db
    .selectFrom('image_scan_configs')
    .select(['rules_json'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const rules = row ? (JSON.parse(row.rules_json) as InclusionRule[]) : [...DEFAULT_RULES];
  return { ...rescan, rules };
}

/**
 * Replaces the configuration: the rules here, the window through the same store Inspector2's
 * UpdateConfiguration writes (so both APIs always show one value). Undefined for an unknown account.
 */
export async function setImageScanConfig(
  db: Kysely<ServiceDatabase>,
  opts: {
    accountId: string;
    rules: readonly InclusionRule[];
    rescanDuration: RescanDuration;
    pullDateRescanDuration?: PullRescanDuration;
    pullDateRescanMode?: PullRescanMode;
    now: Date;
  },
): Promise<ImageScanConfig | undefined> {
  const rules = checkRules(opts.rules);
  const rescan = await setImageRescan(db, opts);
  if (!rescan) return undefined;
  const values = {
    account_id: opts.accountId,
    rules_json: JSON.stringify(rules),
    updated_at: opts.now.toISOString(),
  };
  await db
    .insertInto('image_scan_configs')
    .values(values)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({ rules_json: values.rules_json, updated_at: values.updated_at }),
    )
    .execute();
  return { ...rescan, rules };
}

const DAY_MS = 24 * 3600 * 1000;
const daysOf = (d: string): number => Number(d.replace('DAYS_', ''));

/**
 * Until when a CONTINUOUS_SCAN image is re-matched: its push date plus `rescanDuration`, or, with
 * `pullDateRescanMode: LAST_PULL_DATE`, its last pull plus `pullDateRescanDuration` if that is later.
 * Null: for its lifetime. Images under SCAN_ON_PUSH or no rule are never re-matched (also null).
 */
export function eligibleUntilOf(
  settings: ImageRescanSettings,
  frequency: ScanFrequency | null,
  image: { pushedAt: string; lastPulledAt: string | null },
): string | null {
  if (frequency !== 'CONTINUOUS_SCAN' || settings.rescanDuration === 'LIFETIME') return null;
  let until = Date.parse(image.pushedAt) + daysOf(settings.rescanDuration) * DAY_MS;
  if (
    settings.pullDateRescanMode === 'LAST_PULL_DATE' &&
    settings.pullDateRescanDuration &&
    image.lastPulledAt
  )
    until = Math.max(
      until,
      Date.parse(image.lastPulledAt) + daysOf(settings.pullDateRescanDuration) * DAY_MS,
    );
  return new Date(until).toISOString();
}
