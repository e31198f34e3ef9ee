import { defineCataloger } from '../define-cataloger.js';
import { INSIDE_NODE_MODULES } from './npm-name.js';

/** Declared npm dependencies from Bun's text lockfile `bun.lock` (Bun ≥ 1.2; `bun.lockb` is binary). */
export const bunLockCataloger = defineCataloger({
  name: 'bun-lock',
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/bun.lock'],
  skip: INSIDE_NODE_MODULES,
  maxBytes: 64 * 1024 * 1024,
  parseText: async (text, file) => (await import('./bun-lock-parser.js')).parseBunLock(text, file.path),
});
