import type { ApplyClient } from './apply-client.js';
import { ApplyFileError } from './apply-file-error.js';
import { pathText, type AccountDecl, type ApplyFile } from './apply-file.js';
import {
  changedFields,
  enc,
  type CollectionKind,
  type Desired,
  type KindContext,
  type SingletonKind,
} from './apply-kind.js';
import { APPLY_KINDS } from './apply-kinds.js';
import type { Kept, Plan } from './apply-plan-types.js';
import { planOrganization } from './apply-plan-organization.js';

interface Owned {
  kind: string;
  objectId: string;
  identity: string;
}

/**
 * The plan: what must change on the server for it to match the file. It only reads (GETs); every
 * file-level problem a kind finds while reading declared files (a VEX path, a password file) stops it
 * here, before anything is written.
 */
export async function planApply(client: ApplyClient, f: ApplyFile, prune: boolean): Promise<Plan> {
  const plan: Plan = { file: f.file, changes: [], kept: [], warnings: [] };
  const created = await planOrganization(client, f, plan);
  for (const [i, account] of f.accounts.entries()) {
    const isNew = created.has(account.id);
    const owned = isNew ? [] : await ownedOf(client, account.id);
    for (const kind of APPLY_KINDS) {
      const ctx: KindContext = {
        client,
        accountId: account.id,
        baseDir: f.baseDir,
        owned: new Map(owned.filter((o) => o.kind === kind.key).map((o) => [o.objectId, o.identity])),
      };
      const at = ['accounts', i, kind.key] as const;
      if (kind.shape === 'setting') await planSetting(kind, account, ctx, isNew, plan, f.file, at);
      else await planCollection(kind, account, ctx, { isNew, prune }, plan, f.file, at);
    }
  }
  return plan;
}

async function ownedOf(client: ApplyClient, accountId: string): Promise<Owned[]> {
  const r = await client.get<{ objects: Owned[] }>(`/v1/accounts/${enc(accountId)}/applied-objects`);
  return r.objects;
}

async function planSetting(
  kind: SingletonKind,
  account: AccountDecl,
  ctx: KindContext,
  isNew: boolean,
  plan: Plan,
  file: string,
  at: readonly (string | number)[],
): Promise<void> {
  const decl = account[kind.key];
  if (decl === undefined) return;
  const after = await inFile(file, at, () => kind.desired(decl, ctx));
  const before = isNew ? undefined : await kind.read(ctx);
  const changed = before === undefined ? Object.keys(after) : changedFields(after, before);
  if (changed.length === 0) return;
  plan.changes.push({
    op: 'set',
    accountId: account.id,
    kind,
    ...(before === undefined ? {} : { before }),
    after,
    changed,
  });
}

async function planCollection(
  kind: CollectionKind,
  account: AccountDecl,
  ctx: KindContext,
  opts: { isNew: boolean; prune: boolean },
  plan: Plan,
  file: string,
  at: readonly (string | number)[],
): Promise<void> {
  const items = (account[kind.key] as unknown[] | undefined) ?? [];
  const live = opts.isNew ? [] : await kind.list(ctx);
  const matched = new Set<string>();
  const accountId = account.id;
  for (const [j, item] of items.entries()) {
    const desired: Desired = await inFile(file, [...at, j], () => kind.desired(item, ctx));
    const same = live.filter((l) => l.identity === desired.identity && !matched.has(l.id));
    const match = same.find((l) => ctx.owned.has(l.id)) ?? same[0];
    if (!match) {
      plan.changes.push({ op: 'create', accountId, kind, desired });
      continue;
    }
    matched.add(match.id);
    const changed = changedFields(desired.fields, match.fields);
    const owned = ctx.owned.has(match.id);
    if (changed.length === 0 && owned) continue;
    if (changed.length > 0 && !kind.update)
      plan.changes.push({ op: 'replace', accountId, kind, live: match, desired, changed, owned });
    else plan.changes.push({ op: 'update', accountId, kind, live: match, desired, changed, adopt: !owned });
  }
  for (const l of live) {
    if (matched.has(l.id) || !ctx.owned.has(l.id)) continue;
    const gone: Kept = { accountId, kind, live: l };
    if (opts.prune) plan.changes.push({ op: 'delete', ...gone });
    else plan.kept.push(gone);
  }
}

/** Runs a kind's reading of a declaration; a file problem it finds gets the item's path and the file. */
async function inFile<T>(file: string, at: readonly (string | number)[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ApplyFileError)) throw err;
    throw new ApplyFileError(
      file,
      err.problems.map((p) => ({ path: pathText(at), message: p.message })),
    );
  }
}
