import { lstatSync, readdirSync } from 'node:fs';
import { PathNotFoundError } from '../../core/errors/path-not-found-error.js';
import { TreeGlobMatcher, type MatchState, type TaggedGlob } from '../tree-glob-matcher.js';

/** A walked entry some glob matched: its in-root path and what the directory listing says it is. */
export interface WalkEntry {
  path: string;
  kind: 'file' | 'symlink' | 'other';
}

export interface WalkOptions {
  /** Glob lists (in-root, no leading slash); the walk returns the matches of each list separately. */
  sets: readonly (readonly string[])[];
  /** Globs of entries never listed, and of directories never entered. */
  exclude: readonly string[];
  /** A directory that cannot be listed (permissions, I/O): reported, and the walk goes on. */
  onUnreadable(dir: string, code: string): void;
}

const EXCLUDED = 0;

/**
 * One synchronous walk of the tree under `hostRoot` (readdirSync is several times faster than the
 * promise API for a tree walk) that never follows directory symlinks, so loops cannot recurse. Only
 * matched entries are kept, so a host's hundreds of thousands of other files cost no memory; each is
 * judged by its name against its directory's glob state, and no path string is built for the rest.
 * Each list's matches come back sorted by path.
 */
export function walkTree(hostRoot: string, opts: WalkOptions): WalkEntry[][] {
  if (!lstatSync(hostRoot, { throwIfNoEntry: false })?.isDirectory()) throw new PathNotFoundError(hostRoot);
  const tagged: TaggedGlob[] = opts.exclude.map((glob) => ({ glob, id: EXCLUDED }));
  opts.sets.forEach((globs, i) => tagged.push(...globs.map((glob) => ({ glob, id: i + 1 }))));
  const matcher = new TreeGlobMatcher(tagged);
  const out: WalkEntry[][] = opts.sets.map(() => []);
  const base = hostRoot === '/' ? '' : hostRoot.replace(/\/+$/, '');
  const stack: { dir: string; state: MatchState }[] = [{ dir: '/', state: matcher.root }];
  while (stack.length > 0) {
    const { dir, state } = stack.pop() as { dir: string; state: MatchState };
    let entries;
    try {
      entries = readdirSync(dir === '/' ? hostRoot : base + dir, { withFileTypes: true });
    } catch (err) {
      opts.onUnreadable(dir, (err as NodeJS.ErrnoException).code ?? String(err));
      continue;
    }
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const children: string[] = [];
    for (const e of entries) {
      const name = e.name;
      const ids = matcher.matches(
        state,
        name,
        matcher.needsPaths ? () => `${prefix}${name}`.slice(1) : undefined,
      );
      if (ids.includes(EXCLUDED)) continue;
      if (e.isDirectory()) {
        children.push(name);
        continue;
      }
      if (ids.length === 0) continue;
      const entry: WalkEntry = {
        path: prefix + name,
        kind: e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other',
      };
      for (const id of ids) out[id - 1]?.push(entry);
    }
    // Reverse so the stack pops in name order: unknowns are met in the same order on every run.
    children.sort().reverse();
    for (const name of children) stack.push({ dir: prefix + name, state: matcher.enter(state, name) });
  }
  for (const list of out) list.sort(byPath);
  return out;
}

function byPath(a: WalkEntry, b: WalkEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
