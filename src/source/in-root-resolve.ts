import { PathNotFoundError } from '../core/errors/path-not-found-error.js';
import { splitPath } from './in-root-path.js';
import { SymlinkError } from './symlink-error.js';

/** Same bound the Linux kernel uses (MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;

/** What a resolver knows of one in-root path, without following it: absent, a symlink, or anything else. */
export type PathProbe = (inRootPath: string) => { link?: string } | undefined;

/**
 * Follow symlinks component by component, chroot style, over any tree (a directory on disk, an image's
 * merged layers): absolute targets restart at the root, and a relative target that climbs above the
 * root is refused (recorded by the caller), never clamped into a wrong file.
 */
export function resolveInRoot(path: string, mustExist: boolean, probe: PathProbe): string {
  let queue = splitPath(path);
  const done: string[] = [];
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    done.push(part);
    const found = probe('/' + done.join('/'));
    if (!found) {
      if (mustExist) throw new PathNotFoundError(path);
      return '/' + [...done, ...queue].join('/');
    }
    if (found.link === undefined) continue;
    if (++hops > MAX_SYMLINK_HOPS)
      throw new SymlinkError(path, 'symlink-loop', `more than ${MAX_SYMLINK_HOPS} links`);
    done.pop();
    const targetParts = splitPath(found.link);
    if (found.link.startsWith('/')) done.length = 0;
    else if (climbsAbove(targetParts, done.length)) {
      throw new SymlinkError(path, 'symlink-escape', `link to ${found.link} leaves the root`);
    }
    queue = [...targetParts, ...queue];
  }
  return '/' + done.join('/');
}

function climbsAbove(targetParts: string[], depth: number): boolean {
  let d = depth;
  for (const t of targetParts) {
    if (t === '..') {
      if (d === 0) return true;
      d--;
    } else d++;
  }
  return false;
}
