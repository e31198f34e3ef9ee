import { posix } from 'node:path';

/** Normalize any path to an absolute in-root path: `/a/b`, no `.`/`..`/empty segments, `..` clamped at `/`. */
export function normalizeInRoot(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** In-root path without its leading slash, as globs are written. */
export function globSubject(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

export const inRootDirname = (p: string): string => posix.dirname(p);
