import type { CollectContext } from '../collect-context.js';
import { factError, ok, unsupported, type FactResult } from '../fact-model.js';
import { loadTable, NOLOGIN_SHELLS } from './accounts-reader.js';
import { octal } from './paths-reader.js';
import { readKeyValue } from './key-value-reader.js';

/** Files in a home directory that hand out access or mail to others (CIS 7.2.10). */
const RISKY_DOT_FILES = ['.forward', '.netrc', '.rhosts', '.shosts'];

/**
 * `records:homes`: one row per interactive local user (a login shell, uid at or above login.defs
 * UID_MIN, nobody excluded) with `user`, `home`, `exists`, `type`, `mode`, `ownedByUser`,
 * `groupIsPrimary` and `riskyDotFiles` (space-separated names found in the home directory).
 */
export async function readHomes(ctx: CollectContext): Promise<FactResult> {
  if (!ctx.resolver.statPath || !ctx.resolver.listDir) {
    return unsupported(`${ctx.resolver.describe()} cannot show directory metadata`);
  }
  const passwd = await loadTable('passwd', ctx);
  if (passwd.error) return factError(passwd.error);
  const uidMin = await loginDefsNumber('UID_MIN', 1000, ctx);
  const rows: Record<string, string>[] = [];
  for (const p of passwd.rows) {
    const uid = Number(p.uid);
    if (!(uid >= uidMin) || uid === 65534 || NOLOGIN_SHELLS.has(p.shell ?? '')) continue;
    const home = p.home ?? '';
    const info = home.startsWith('/') ? await ctx.resolver.statPath(home) : undefined;
    const entries = info?.type === 'directory' ? ((await ctx.resolver.listDir(home)) ?? []) : [];
    rows.push({
      user: p.name ?? '',
      home,
      exists: info ? 'yes' : 'no',
      type: info?.type ?? '',
      mode: info ? octal(info.mode) : '',
      ownedByUser: info && String(info.uid) === p.uid ? 'yes' : 'no',
      groupIsPrimary: info && String(info.gid) === p.gid ? 'yes' : 'no',
      riskyDotFiles: entries
        .filter((e) => RISKY_DOT_FILES.includes(e.name))
        .map((e) => e.name)
        .join(' '),
    });
  }
  return ok({
    type: 'records',
    rows,
    origin: `${passwd.path} (users with uid ≥ ${uidMin} and a login shell)`,
  });
}

async function loginDefsNumber(key: string, fallback: number, ctx: CollectContext): Promise<number> {
  const r = await readKeyValue('login.defs', key, ctx);
  const v = r.status === 'ok' && r.fact.type === 'value' ? Number(r.fact.value) : NaN;
  return Number.isFinite(v) ? v : fallback;
}
