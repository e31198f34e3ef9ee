import picomatch from 'picomatch';
import { SymlinkError } from '../../../source/symlink-error.js';
import type { CollectContext } from '../collect-context.js';
import { factError, ok, unsupported, type FactResult, type PathEntry } from '../fact-model.js';
import { idNames } from './accounts-reader.js';

const GLOB = /[*?[{]/;

/**
 * `paths:PATH` or `paths:GLOB`: type, permissions and owner of what is there (after in-root symlinks),
 * named with the target's own users and groups. An exact path whose link leaves the root is an error,
 * not an absence: the check must not pass because a hostile link hid the file.
 */
export async function readPaths(pattern: string, ctx: CollectContext): Promise<FactResult> {
  if (!pattern.startsWith('/')) return factError(`paths fact needs an absolute path, got "${pattern}"`);
  const names = await idNames(ctx);
  const named = (e: Omit<PathEntry, 'user' | 'group'>): PathEntry => {
    const user = names.users.get(e.uid);
    const group = names.groups.get(e.gid);
    return { ...e, ...(user !== undefined ? { user } : {}), ...(group !== undefined ? { group } : {}) };
  };
  if (GLOB.test(pattern)) {
    const listed = await listedGlob(pattern, ctx);
    if (listed) return ok({ type: 'paths', paths: listed.map(named) });
    const refs = await ctx.resolver.findFiles([pattern.slice(1)]);
    const entries: PathEntry[] = [];
    for (const r of refs) {
      if (r.uid === undefined || r.gid === undefined)
        return unsupported(`${ctx.resolver.describe()} does not record file owners`);
      entries.push(named({ path: r.path, type: 'file', mode: octal(r.mode), uid: r.uid, gid: r.gid }));
    }
    return ok({ type: 'paths', paths: entries });
  }
  if (!ctx.resolver.statPath) return unsupported(`${ctx.resolver.describe()} cannot show directory metadata`);
  const info = await ctx.resolver.statPath(pattern);
  if (!info) {
    const problem = await linkProblem(pattern, ctx);
    return problem ? factError(problem) : ok({ type: 'paths', paths: [] });
  }
  return ok({
    type: 'paths',
    paths: [named({ path: pattern, type: info.type, mode: octal(info.mode), uid: info.uid, gid: info.gid })],
  });
}

/**
 * A glob in the last path component only (`/etc/ssh/ssh_host_*_key`): one directory listing instead
 * of a walk of the whole tree (on a live host, the difference between milliseconds and seconds).
 */
async function listedGlob(
  pattern: string,
  ctx: CollectContext,
): Promise<Omit<PathEntry, 'user' | 'group'>[] | undefined> {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash) || '/';
  if (GLOB.test(dir) || !ctx.resolver.listDir || !ctx.resolver.statPath) return undefined;
  const isMatch = picomatch(pattern.slice(slash + 1), { dot: false });
  const out: Omit<PathEntry, 'user' | 'group'>[] = [];
  for (const e of (await ctx.resolver.listDir(dir)) ?? []) {
    if (!isMatch(e.name) || (e.type !== 'file' && e.type !== 'symlink')) continue;
    const info = await ctx.resolver.statPath(`${dir}/${e.name}`);
    if (info?.type === 'file')
      out.push({
        path: `${dir}/${e.name}`,
        type: 'file',
        mode: octal(info.mode),
        uid: info.uid,
        gid: info.gid,
      });
  }
  return out;
}

async function linkProblem(path: string, ctx: CollectContext): Promise<string | undefined> {
  try {
    await ctx.resolver.realPath(path);
    return undefined;
  } catch (err) {
    if (err instanceof SymlinkError) return `${path}: ${err.problem}, not followed`;
    throw err;
  }
}

export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
