import type { ApplyClient } from './apply-client.js';
import { enc, type CollectionKind, type Desired, type KindContext, type ShownOnce } from './apply-kind.js';
import { ApplyPlanError } from './apply-plan-error.js';
import type { Change, Plan } from './apply-plan-types.js';

/** A secret the server showed once while apply created an object (a webhook secret, a token). */
export interface Revealed {
  accountId: string;
  title: string;
  identity: string;
  values: ShownOnce;
}

/**
 * Carries out a plan in its order through the API. Each object apply creates is recorded as owned
 * right after it exists (applied_objects), and forgotten right after apply deletes it, so a run
 * stopped half-way leaves ownership true and the next plan picks up where it stopped.
 */
export async function executePlan(client: ApplyClient, plan: Plan, baseDir: string): Promise<Revealed[]> {
  const revealed: Revealed[] = [];
  let organizationId = plan.organizationId;
  for (const c of plan.changes) {
    if (c.op === 'create-organization') {
      organizationId = (await client.post<{ id: string }>('/v1/organizations', { name: c.name })).id;
      continue;
    }
    if (c.op === 'create-account') {
      if (organizationId === undefined)
        throw new ApplyPlanError(`no organization to create account "${c.accountId}" in`);
      await client.post(`/v1/organizations/${enc(organizationId)}/accounts`, {
        id: c.accountId,
        name: c.name,
      });
      continue;
    }
    const ctx: KindContext = { client, accountId: c.accountId, baseDir, owned: new Map() };
    const shown = await executeChange(ctx, c);
    if (shown && Object.keys(shown.values).length > 0) revealed.push(shown);
  }
  return revealed;
}

async function executeChange(ctx: KindContext, c: Change): Promise<Revealed | undefined> {
  switch (c.op) {
    case 'set':
      await c.kind.write(ctx, { ...c.before, ...c.after });
      return undefined;
    case 'create':
      return create(ctx, c.kind, c.desired);
    case 'update':
      if (c.changed.length > 0) await c.kind.update?.(ctx, c.live, c.desired, c.changed);
      if (c.adopt) await record(ctx, c.kind, c.live.id, c.desired.identity);
      return undefined;
    case 'replace':
      await c.kind.remove(ctx, c.live);
      if (c.owned) await forget(ctx, c.kind, c.live.id);
      return create(ctx, c.kind, c.desired);
    case 'delete':
      await c.kind.remove(ctx, c.live);
      await forget(ctx, c.kind, c.live.id);
      return undefined;
    default:
      return undefined;
  }
}

async function create(ctx: KindContext, kind: CollectionKind, d: Desired): Promise<Revealed> {
  const made = await kind.create(ctx, d);
  await record(ctx, kind, made.id, d.identity);
  return { accountId: ctx.accountId, title: kind.title, identity: d.identity, values: made.shownOnce ?? {} };
}

function record(ctx: KindContext, kind: CollectionKind, id: string, identity: string): Promise<unknown> {
  return ctx.client.put(appliedPath(ctx.accountId, kind, id), { identity });
}

function forget(ctx: KindContext, kind: CollectionKind, id: string): Promise<unknown> {
  return ctx.client.delete(appliedPath(ctx.accountId, kind, id));
}

function appliedPath(accountId: string, kind: CollectionKind, id: string): string {
  return `/v1/accounts/${enc(accountId)}/applied-objects/${enc(kind.key)}/${enc(id)}`;
}
