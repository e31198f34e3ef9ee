import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { configLines, filesIn, readText } from './safe-text.js';

/** systemd-sysctl's directories, highest precedence first: a name in /etc hides the same name below. */
export const SYSCTL_DIRS = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
];

interface Assignment {
  key: string;
  value: string;
  origin: string;
  glob: boolean;
}

interface SysctlConfig {
  assignments: Assignment[];
  files: string[];
  error?: string;
}

/**
 * `sysctl:KEY`. On a live host the running value from /proc/sys; on a root filesystem the value the
 * configuration would set at boot, and the fact's origin says which file and line (or that none does).
 */
export async function readSysctl(key: string, ctx: CollectContext): Promise<FactResult> {
  if (ctx.mode === 'host') return readRuntime(key, ctx);
  const config = await ctx.memo('sysctl-config', () => loadSysctlConfig(ctx));
  if (config.error) return factError(config.error);
  const hit = configuredValue(config, key);
  if (hit) return ok({ type: 'value', value: hit.value, origin: `${hit.origin} (configuration)` });
  return ok({
    type: 'value',
    note: `set in none of ${config.files.length} sysctl configuration files; a root filesystem cannot show the kernel default`,
  });
}

async function readRuntime(key: string, ctx: CollectContext): Promise<FactResult> {
  const path = `/proc/sys/${procPath(key)}`;
  const read = await readStrict(ctx, path);
  if (read.kind === 'error') return factError(read.reason);
  if (read.kind === 'absent') return ok({ type: 'value', note: `${path} does not exist on this kernel` });
  return ok({ type: 'value', value: read.text.replace(/\s+/g, ' ').trim(), origin: `${path} (runtime)` });
}

async function readStrict(ctx: CollectContext, path: string) {
  return readText(ctx.resolver, path, 64 * 1024);
}

/** Dotted key to its /proc/sys path: dots and slashes swap (an interface name `eth0.10` keeps its dot as `/`). */
export function procPath(key: string): string {
  return [...key].map((c) => (c === '.' ? '/' : c === '/' ? '.' : c)).join('');
}

/** A key as written in a file, in the dotted form: if its first separator is a slash, the two swap. */
export function normalizeSysctlKey(raw: string): string {
  const firstSep = raw.search(/[./]/);
  if (firstSep >= 0 && raw[firstSep] === '/') return procPath(raw);
  return raw;
}

/**
 * The files systemd-sysctl applies, in its order: every *.conf name across the directories once (the
 * highest-precedence directory's copy), sorted by name; then /etc/sysctl.conf, which procps' `sysctl
 * --system` applies last and Debian links in as /etc/sysctl.d/99-sysctl.conf (read once either way).
 */
export async function sysctlFiles(ctx: CollectContext): Promise<string[]> {
  const byName = new Map<string, string>();
  for (const dir of SYSCTL_DIRS) {
    for (const path of await filesIn(ctx.resolver, dir, '*.conf')) {
      const name = path.slice(dir.length + 1);
      if (!byName.has(name)) byName.set(name, path);
    }
  }
  const ordered = [...byName.keys()].sort().map((n) => byName.get(n) as string);
  return [...ordered, '/etc/sysctl.conf'];
}

async function loadSysctlConfig(ctx: CollectContext): Promise<SysctlConfig> {
  const assignments: Assignment[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const path of await sysctlFiles(ctx)) {
    const read = await readText(ctx.resolver, path);
    if (read.kind === 'error') return { assignments, files, error: read.reason };
    if (read.kind === 'absent' || seen.has(read.realPath)) continue; // a link to /dev/null masks the name
    seen.add(read.realPath);
    files.push(path);
    for (const line of configLines(read.text, path, '#;')) {
      const eq = line.text.indexOf('=');
      if (eq < 0) continue;
      const rawKey = line.text.slice(0, eq).trim().replace(/^-/, '');
      const key = normalizeSysctlKey(rawKey);
      assignments.push({
        key,
        value: line.text.slice(eq + 1).trim(),
        origin: line.origin,
        glob: /[*?[]/.test(key),
      });
    }
  }
  return { assignments, files };
}

/** The last explicit assignment wins; a glob assignment counts only when no explicit one names the key. */
function configuredValue(config: SysctlConfig, key: string): Assignment | undefined {
  let explicit: Assignment | undefined;
  let pattern: Assignment | undefined;
  for (const a of config.assignments) {
    if (!a.glob && a.key === key) explicit = a;
    else if (a.glob && globToRegExp(a.key).test(key)) pattern = a;
  }
  return explicit ?? pattern;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\/]/g, '\\$&')
    .replace(/\*/g, '[^.]*')
    .replace(/\?/g, '[^.]');
  return new RegExp(`^${body}$`);
}
