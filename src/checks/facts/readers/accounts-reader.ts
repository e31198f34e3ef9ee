import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { readText } from './safe-text.js';

type Row = Record<string, string>;

interface Table {
  rows: Row[];
  path: string;
  error?: string;
}

const FIELDS: Readonly<Record<string, { path: string; fields: readonly string[] }>> = {
  passwd: { path: '/etc/passwd', fields: ['name', 'password', 'uid', 'gid', 'gecos', 'home', 'shell'] },
  shadow: {
    path: '/etc/shadow',
    fields: ['name', 'password', 'lastChange', 'minDays', 'maxDays', 'warnDays', 'inactiveDays', 'expire'],
  },
  group: { path: '/etc/group', fields: ['name', 'password', 'gid', 'members'] },
  gshadow: { path: '/etc/gshadow', fields: ['name', 'password', 'admins', 'members'] },
};

/** Shells that let nobody log in: an account with one of these is not interactive. */
export const NOLOGIN_SHELLS = new Set([
  '/usr/sbin/nologin',
  '/sbin/nologin',
  '/bin/false',
  '/usr/bin/false',
  '/bin/sync',
  '/usr/bin/sync',
  '/sbin/shutdown',
  '/sbin/halt',
  '',
]);

/** One account database parsed: colon-separated fields, `+`/`-` NIS lines and malformed lines skipped. */
export function loadTable(name: keyof typeof FIELDS, ctx: CollectContext): Promise<Table> {
  return ctx.memo(`table:${name}`, async () => {
    const spec = FIELDS[name] as { path: string; fields: readonly string[] };
    const read = await readText(ctx.resolver, spec.path, 16 * 1024 * 1024);
    if (read.kind === 'error') return { rows: [], path: spec.path, error: read.reason };
    if (read.kind === 'absent') return { rows: [], path: spec.path };
    const rows: Row[] = [];
    for (const line of read.text.split('\n')) {
      if (line.trim() === '' || line.startsWith('#') || /^[+-]/.test(line)) continue;
      const parts = line.split(':');
      if (parts.length < spec.fields.length) continue;
      rows.push(Object.fromEntries(spec.fields.map((f, i) => [f, parts[i] as string])));
    }
    return { rows, path: spec.path };
  });
}

/**
 * `records:passwd|shadow|group|gshadow`, with fields derived where a check needs a join:
 * passwd `interactive` (a login shell), `primaryGroup` (the group name or empty); shadow `locked`
 * (a `!`/`*` password), `interactive` and `uid` from passwd.
 */
export async function readAccounts(name: string, ctx: CollectContext): Promise<FactResult> {
  if (!(name in FIELDS)) return factError(`unknown account table "${name}"`);
  const table = await loadTable(name, ctx);
  if (table.error) return factError(table.error);
  let rows = table.rows;
  if (name === 'passwd') rows = await withPasswdFields(rows, ctx);
  if (name === 'shadow') rows = await withShadowFields(rows, ctx);
  return ok({ type: 'records', rows, origin: table.path });
}

async function withPasswdFields(rows: Row[], ctx: CollectContext): Promise<Row[]> {
  const groups = await loadTable('group', ctx);
  const byGid = new Map(groups.rows.map((g) => [g.gid, g.name]));
  return rows.map((r) => ({
    ...r,
    interactive: NOLOGIN_SHELLS.has(r.shell ?? '') ? 'no' : 'yes',
    primaryGroup: byGid.get(r.gid ?? '') ?? '',
  }));
}

async function withShadowFields(rows: Row[], ctx: CollectContext): Promise<Row[]> {
  const passwd = new Map((await loadTable('passwd', ctx)).rows.map((p) => [p.name, p]));
  return rows.map((r) => {
    const p = passwd.get(r.name ?? '');
    return {
      ...r,
      locked: /^[!*]/.test(r.password ?? '') ? 'yes' : 'no',
      interactive: p && !NOLOGIN_SHELLS.has(p.shell ?? '') ? 'yes' : 'no',
      uid: p?.uid ?? '',
    };
  });
}

/** uid → user name and gid → group name from the target's own databases (never this machine's). */
export async function idNames(
  ctx: CollectContext,
): Promise<{ users: Map<number, string>; groups: Map<number, string> }> {
  return ctx.memo('id-names', async () => {
    const users = new Map<number, string>();
    const groups = new Map<number, string>();
    for (const r of (await loadTable('passwd', ctx)).rows)
      if (!users.has(Number(r.uid))) users.set(Number(r.uid), r.name ?? '');
    for (const r of (await loadTable('group', ctx)).rows)
      if (!groups.has(Number(r.gid))) groups.set(Number(r.gid), r.name ?? '');
    return { users, groups };
  });
}
