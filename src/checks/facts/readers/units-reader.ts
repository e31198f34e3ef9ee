import type { CollectContext } from '../collect-context.js';
import { factError, ok, unsupported, type FactResult } from '../fact-model.js';
import { readText } from './safe-text.js';

/** Unit search path, highest precedence first (systemd's system unit paths on Debian 12). */
const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];
const ADMIN_DIR = '/etc/systemd/system';

interface UnitFile {
  path: string;
  /** The unit's real name when the name asked for is an alias link. */
  name: string;
  masked: boolean;
}

/**
 * `unit:NAME`: `enabled`, `disabled`, `static`, `masked` or `not-found`. On a live host `systemctl
 * is-enabled` answers; on a root filesystem the links do: `/etc/systemd/system/*.wants|*.requires/NAME`
 * is enabled, a link of NAME to /dev/null is masked, a unit without an [Install] section is static.
 * Presets are not applied: they only matter when a package is installed.
 */
export async function readUnit(name: string, ctx: CollectContext): Promise<FactResult> {
  if (!/^[A-Za-z0-9:_.@\\-]+\.(service|socket|timer|mount|target|path)$/.test(name)) {
    return factError(`invalid unit name "${name}"`);
  }
  if (ctx.probe) {
    const state = await ctx.probe.unitEnabled(name);
    if (state !== undefined) return ok({ type: 'value', value: state, origin: 'systemctl is-enabled' });
  }
  if (!ctx.resolver.listDir || !ctx.resolver.statPath) {
    return unsupported(`${ctx.resolver.describe()} cannot list unit links`);
  }
  const unit = await findUnit(name, ctx);
  if (!unit)
    return ok({ type: 'value', value: 'not-found', origin: `no ${name} in ${UNIT_DIRS.join(', ')}` });
  if (unit.masked) return ok({ type: 'value', value: 'masked', origin: `${unit.path} → /dev/null` });
  const links = (await ctx.memo('unit-links', () => wantsLinks(ctx))).get(unit.name) ?? [];
  if (links.length) return ok({ type: 'value', value: 'enabled', origin: links.join(', ') });
  const read = await readText(ctx.resolver, unit.path);
  if (read.kind === 'error') return factError(read.reason);
  const installable =
    read.kind === 'text' && /^\[Install\][^[]*^(WantedBy|RequiredBy|Alias|Also|UpheldBy)=/ms.test(read.text);
  return ok({
    type: 'value',
    value: installable ? 'disabled' : 'static',
    origin: installable
      ? `no .wants/.requires link to ${unit.path}`
      : `${unit.path} has no [Install] section`,
  });
}

async function findUnit(name: string, ctx: CollectContext): Promise<UnitFile | undefined> {
  for (const dir of UNIT_DIRS) {
    const entry = ((await ctx.resolver.listDir?.(dir)) ?? []).find((e) => e.name === name);
    if (!entry) continue;
    const path = `${dir}/${name}`;
    if (entry.type === 'symlink') {
      const target = entry.linkTarget ?? '';
      if (target === '/dev/null') return { path, name, masked: true };
      const real = await ctx.resolver.statPath?.(path);
      if (!real) continue; // dangling: systemd skips it too
      const base = target.slice(target.lastIndexOf('/') + 1);
      return {
        path: real.realPath,
        name: base.endsWith(name.slice(name.lastIndexOf('.'))) ? base : name,
        masked: false,
      };
    }
    if (entry.type === 'file') return { path, name, masked: false };
  }
  return undefined;
}

/** Unit name → the .wants/.requires links naming it under /etc/systemd/system. */
async function wantsLinks(ctx: CollectContext): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const dir of (await ctx.resolver.listDir?.(ADMIN_DIR)) ?? []) {
    if (dir.type !== 'directory' || !/\.(wants|requires)$/.test(dir.name)) continue;
    for (const link of (await ctx.resolver.listDir?.(`${ADMIN_DIR}/${dir.name}`)) ?? []) {
      const list = out.get(link.name) ?? [];
      list.push(`${ADMIN_DIR}/${dir.name}/${link.name}`);
      out.set(link.name, list);
    }
  }
  return out;
}
