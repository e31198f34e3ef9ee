import type { Principal } from '../../accounts/api-keys.js';
import type { FilterCriteria } from '../../findings/filter-criteria.js';
import {
  annotateFilter,
  dropFilterAnnotation,
  filterAnnotations,
} from '../../findings/filter-annotations.js';
import {
  createSavedFilter,
  deleteSavedFilter,
  getSavedFilter,
  listSavedFilters,
  updateSavedFilter,
} from '../../findings/saved-filters.js';
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  updateRule,
} from '../../findings/suppression/suppression-rules.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { filterArn, requireArn } from './inspector2-arns.js';
import { awsCriteria, vigilCriteria } from './inspector2-criteria.js';
import { invalidInput, notFoundAws } from './inspector2-errors.js';
import { epochSeconds } from './inspector2-finding.js';
import {
  offsetOf,
  pageOf,
  requireAdminOf,
  requireVisible,
  requireWriterOf,
  type Operation,
} from './inspector2-operation.js';

/**
 * Inspector's filters: action SUPPRESS is a vigil suppression rule (the same rule /v1 manages, with
 * its re-evaluation of the account's findings in one transaction), action NONE a saved filter that
 * changes nothing. Both kinds share the ARN form; description and tags live in filter_annotations.
 * Suppressing filters need an admin key, as /v1's rules do; saved filters any key that may write.
 */
interface FilterInput {
  name?: string;
  action?: 'NONE' | 'SUPPRESS';
  filterCriteria?: Record<string, unknown>;
  description?: string;
  reason?: string;
  tags?: Record<string, string>;
}

interface AnyFilter {
  action: 'NONE' | 'SUPPRESS';
  id: string;
  accountId: string;
  name: string;
  reason?: string;
  filter: FilterCriteria;
  createdAt: string;
  updatedAt: string;
}

/** A suppressing filter with no criterion would suppress every finding: never what anyone means. */
function requireCriterion(filter: FilterCriteria): void {
  if (!Object.values(filter).some((v) => Array.isArray(v) && v.length > 0))
    throw invalidInput('a SUPPRESS filter needs at least one filter criterion', 'filterCriteria');
}

async function findFilter(ctx: ServiceContext, accountId: string, id: string): Promise<AnyFilter> {
  const rule = await getRule(ctx.db, accountId, id);
  if (rule) return { ...rule, action: 'SUPPRESS' };
  const saved = await getSavedFilter(ctx.db, accountId, id);
  if (saved) return { ...saved, action: 'NONE' };
  throw notFoundAws(`filter ${id}`);
}

function authorize(p: Principal, accountId: string, action: AnyFilter['action']): void {
  if (action === 'SUPPRESS') requireAdminOf(p, accountId);
  else requireWriterOf(p, accountId);
}

async function annotate(ctx: ServiceContext, accountId: string, id: string, q: FilterInput): Promise<void> {
  if (q.description !== undefined || q.tags !== undefined)
    await annotateFilter(ctx.db, {
      accountId,
      filterId: id,
      ...(q.description !== undefined ? { description: q.description } : {}),
      ...(q.tags !== undefined ? { tags: q.tags } : {}),
    });
}

export const createFilterOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input, region }) => {
    const q = input as unknown as FilterInput & { name: string; action: 'NONE' | 'SUPPRESS' };
    const accountId = principal.accountId;
    authorize(principal, accountId, q.action);
    const filter = vigilCriteria(q.filterCriteria);
    const now = ctx.now();
    let id: string;
    if (q.action === 'SUPPRESS') {
      requireCriterion(filter);
      // vigil's rules always say why; Inspector's reason is optional.
      const reason = q.reason ?? q.description ?? `suppressed by filter ${q.name}`;
      const input = { name: q.name, reason, filter };
      id = (await createRule(ctx.db, { accountId, input, keyId: principal.keyId, now })).rule.id;
    } else {
      const saved = { accountId, name: q.name, filter, keyId: principal.keyId, now };
      id = (
        await createSavedFilter(ctx.db, { ...saved, ...(q.reason !== undefined ? { reason: q.reason } : {}) })
      ).id;
    }
    await annotate(ctx, accountId, id, q);
    return { arn: filterArn(region, accountId, id) };
  },
};

export const updateFilterOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input, region }) => {
    const q = input as unknown as FilterInput & { filterArn: string };
    const { accountId, id } = requireArn(q.filterArn, ['filter'], 'filterArn');
    requireVisible(principal, accountId);
    const old = await findFilter(ctx, accountId, id);
    authorize(principal, accountId, old.action);
    if (q.action !== undefined && q.action !== old.action)
      throw invalidInput(
        `vigil cannot turn a ${old.action} filter into ${q.action}: delete it and create a new one`,
        'action',
      );
    const patch = {
      ...(q.name !== undefined ? { name: q.name } : {}),
      ...(q.reason !== undefined ? { reason: q.reason } : {}),
      ...(q.filterCriteria !== undefined ? { filter: vigilCriteria(q.filterCriteria) } : {}),
    };
    const now = ctx.now();
    if (old.action === 'SUPPRESS') {
      if (patch.filter) requireCriterion(patch.filter);
      await updateRule(ctx.db, { accountId, ruleId: id, patch, now });
    } else await updateSavedFilter(ctx.db, { accountId, id, patch, now });
    await annotate(ctx, accountId, id, q);
    return { arn: filterArn(region, accountId, id) };
  },
};

export const deleteFilterOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input, region }) => {
    const { accountId, id } = requireArn((input as { arn: string }).arn, ['filter'], 'arn');
    requireVisible(principal, accountId);
    const old = await findFilter(ctx, accountId, id);
    authorize(principal, accountId, old.action);
    if (old.action === 'SUPPRESS') await deleteRule(ctx.db, { accountId, ruleId: id, now: ctx.now() });
    else await deleteSavedFilter(ctx.db, accountId, id);
    await dropFilterAnnotation(ctx.db, accountId, id);
    return { arn: filterArn(region, accountId, id) };
  },
};

interface ListInput {
  arns?: string[];
  action?: 'NONE' | 'SUPPRESS';
  maxResults?: number;
  nextToken?: string;
}

/** ListFilters: both kinds, of every account the key sees, oldest first; `arns`/`action` narrow it. */
export const listFiltersOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input, region }) => {
    const q = input as ListInput;
    const accounts = principal.visibleAccountIds;
    const rules: AnyFilter[] = [];
    for (const a of accounts)
      for (const r of await listRules(ctx.db, a)) rules.push({ ...r, action: 'SUPPRESS' });
    const saved = (await listSavedFilters(ctx.db, accounts)).map((s): AnyFilter => ({
      ...s,
      action: 'NONE',
    }));
    const wanted = q.arns?.map((arn) => requireArn(arn, ['filter'], 'arns').id);
    const all = [...rules, ...saved]
      .filter((f) => (q.action ? f.action === q.action : true) && (wanted ? wanted.includes(f.id) : true))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const page = pageOf(all, offsetOf(q.nextToken), q.maxResults ?? 100);
    const notes = await filterAnnotations(
      ctx.db,
      accounts,
      page.items.map((f) => f.id),
    );
    return {
      filters: page.items.map((f) => {
        const note = notes.get(f.id);
        return {
          arn: filterArn(region, f.accountId, f.id),
          ownerId: f.accountId,
          name: f.name,
          criteria: awsCriteria(f.filter),
          action: f.action,
          createdAt: epochSeconds(f.createdAt),
          updatedAt: epochSeconds(f.updatedAt),
          ...(note?.description !== undefined ? { description: note.description } : {}),
          ...(f.reason !== undefined ? { reason: f.reason } : {}),
          ...(note ? { tags: note.tags } : {}),
        };
      }),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
};
