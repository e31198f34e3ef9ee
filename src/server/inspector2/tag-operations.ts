import type { Principal } from '../../accounts/api-keys.js';
import { annotateFilter, filterAnnotations } from '../../findings/filter-annotations.js';
import { getSavedFilter } from '../../findings/saved-filters.js';
import { getRule } from '../../findings/suppression/suppression-rules.js';
import { checkTags, getResource, updateResourceTags } from '../../resources/resource-service.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { requireArn, type ParsedArn } from './inspector2-arns.js';
import { notFoundAws } from './inspector2-errors.js';
import { requireAdminOf, requireVisible, requireWriterOf, type Operation } from './inspector2-operation.js';

/**
 * Tags of a vigil resource (host, image, repository: the same tags FilterCriteria resourceTags and
 * suppression rules read; changing them re-evaluates suppression) or of a filter. Suppressing
 * filters are an admin's, as on /v1; resources and saved filters any key that may write.
 */
type Target = Extract<ParsedArn, { kind: 'resource' | 'filter' }>;

async function tagsOf(ctx: ServiceContext, t: Target): Promise<Record<string, string>> {
  if (t.kind === 'resource') return (await getResource(ctx, t.accountId, t.id)).tags;
  const exists =
    (await getRule(ctx.db, t.accountId, t.id)) ?? (await getSavedFilter(ctx.db, t.accountId, t.id));
  if (!exists) throw notFoundAws(`filter ${t.id}`);
  return (await filterAnnotations(ctx.db, [t.accountId], [t.id])).get(t.id)?.tags ?? {};
}

async function setTags(
  ctx: ServiceContext,
  p: Principal,
  t: Target,
  change: (old: Record<string, string>) => Record<string, string>,
): Promise<void> {
  requireWriterOf(p, t.accountId);
  const old = await tagsOf(ctx, t);
  const next = checkTags(change(old));
  if (t.kind === 'resource') {
    await updateResourceTags(ctx, t.accountId, t.id, next);
    return;
  }
  if (await getRule(ctx.db, t.accountId, t.id)) requireAdminOf(p, t.accountId);
  await annotateFilter(ctx.db, { accountId: t.accountId, filterId: t.id, tags: next });
}

const target = (input: Record<string, unknown>): Target =>
  requireArn(String(input['resourceArn']), ['resource', 'filter'], 'resourceArn');

export const listTagsForResourceOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const t = target(input);
    requireVisible(principal, t.accountId);
    return { tags: await tagsOf(ctx, t) };
  },
};

export const tagResourceOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input }) => {
    const tags = (input as { tags: Record<string, string> }).tags;
    await setTags(ctx, principal, target(input), (old) => ({ ...old, ...tags }));
    return {};
  },
};

export const untagResourceOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input }) => {
    const keys = new Set((input as { tagKeys: string[] }).tagKeys);
    await setTags(ctx, principal, target(input), (old) =>
      Object.fromEntries(Object.entries(old).filter(([k]) => !keys.has(k))),
    );
    return {};
  },
};
