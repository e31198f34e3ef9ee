import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendEvents } from '../../events/event-outbox.js';
import type { FilterCriteria } from '../filter-criteria.js';
import type { ServiceDatabase, SuppressionRuleTable } from '../../store/service-db-schema.js';
import { lockAccountSuppression } from './account-lock.js';
import { reevaluateSuppression } from './suppression-reevaluator.js';

/** A suppression rule as the API shows it. */
export interface SuppressionRule {
  id: string;
  accountId: string;
  name: string;
  reason: string;
  filter: FilterCriteria;
  expiresAt?: string;
  /** The API key that created it. */
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
}

export interface RuleInput {
  name: string;
  reason: string;
  filter: FilterCriteria;
  expiresAt?: string;
}

/** PATCH: absent fields stay; `expiresAt: null` makes the rule permanent. */
export interface RulePatch {
  name?: string;
  reason?: string;
  filter?: FilterCriteria;
  expiresAt?: string | null;
}

/** What a rule change did to the account's open findings. */
export interface RuleChange {
  rule: SuppressionRule;
  /** Findings whose status or suppressedBy the change altered. */
  findingsChanged: number;
}

type Db = Kysely<ServiceDatabase>;
type Trx = Transaction<ServiceDatabase>;

export function ruleOfRow(r: Selectable<SuppressionRuleTable>): SuppressionRule {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    reason: r.reason,
    filter: JSON.parse(r.filter_json) as FilterCriteria,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listRules(db: Db, accountId: string): Promise<SuppressionRule[]> {
  const rows = await db
    .selectFrom('suppression_rules')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(ruleOfRow);
}

export async function getRule(
  db: Db | Trx,
  accountId: string,
  ruleId: string,
): Promise<SuppressionRule | undefined> {
  const row = await db
    .selectFrom('suppression_rules')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', ruleId)
    .executeTakeFirst();
  return row ? ruleOfRow(row) : undefined;
}

/**
 * Each change is ONE transaction: the rule row, the account's open findings re-evaluated against every
 * live rule, and the events for both — so no reader ever sees a rule without its effect, and no
 * subscriber misses a status change a rule caused.
 */
export async function createRule(
  db: Db,
  opts: { accountId: string; input: RuleInput; keyId: string; now: Date },
): Promise<RuleChange> {
  const iso = opts.now.toISOString();
  const rule: SuppressionRule = {
    id: randomUUID(),
    accountId: opts.accountId,
    ...opts.input,
    createdBy: opts.keyId,
    createdAt: iso,
    updatedAt: iso,
  };
  return db.transaction().execute(async (trx) => {
    await lockAccountSuppression(trx, opts.accountId);
    await trx
      .insertInto('suppression_rules')
      .values({
        id: rule.id,
        account_id: rule.accountId,
        name: rule.name,
        reason: rule.reason,
        filter_json: JSON.stringify(rule.filter),
        expires_at: rule.expiresAt ?? null,
        created_by: opts.keyId,
        created_at: iso,
        updated_at: iso,
      })
      .execute();
    return afterChange(trx, rule, 'vigil.suppression-rule.created', opts.now);
  });
}

export async function updateRule(
  db: Db,
  opts: { accountId: string; ruleId: string; patch: RulePatch; now: Date },
): Promise<RuleChange | undefined> {
  return db.transaction().execute(async (trx) => {
    await lockAccountSuppression(trx, opts.accountId);
    const old = await getRule(trx, opts.accountId, opts.ruleId);
    if (!old) return undefined;
    const { expiresAt, ...rest } = opts.patch;
    const rule: SuppressionRule = { ...old, ...rest, updatedAt: opts.now.toISOString() };
    if (expiresAt === null) delete rule.expiresAt;
    else if (expiresAt !== undefined) rule.expiresAt = expiresAt;
    await trx
      .updateTable('suppression_rules')
      .set({
        name: rule.name,
        reason: rule.reason,
        filter_json: JSON.stringify(rule.filter),
        expires_at: rule.expiresAt ?? null,
        updated_at: rule.updatedAt,
      })
      .where('account_id', '=', opts.accountId)
      .where('id', '=', opts.ruleId)
      .execute();
    return afterChange(trx, rule, 'vigil.suppression-rule.updated', opts.now);
  });
}

export async function deleteRule(
  db: Db,
  opts: { accountId: string; ruleId: string; now: Date },
): Promise<RuleChange | undefined> {
  return db.transaction().execute(async (trx) => {
    await lockAccountSuppression(trx, opts.accountId);
    const old = await getRule(trx, opts.accountId, opts.ruleId);
    if (!old) return undefined;
    await trx
      .deleteFrom('suppression_rules')
      .where('account_id', '=', opts.accountId)
      .where('id', '=', opts.ruleId)
      .execute();
    return afterChange(trx, old, 'vigil.suppression-rule.deleted', opts.now);
  });
}

async function afterChange(
  trx: Trx,
  rule: SuppressionRule,
  type:
    'vigil.suppression-rule.created' | 'vigil.suppression-rule.updated' | 'vigil.suppression-rule.deleted',
  now: Date,
): Promise<RuleChange> {
  // The rule event first: a subscriber reading in order sees the cause before its effects.
  await appendEvents(
    trx,
    [{ type, accountId: rule.accountId, subject: rule.id, data: rule }],
    now.toISOString(),
  );
  const changed = await reevaluateSuppression(trx, rule.accountId, now);
  return { rule, findingsChanged: changed.length };
}
