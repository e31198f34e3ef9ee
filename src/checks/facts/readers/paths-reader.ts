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
