import { defineCataloger } from '../define-cataloger.js';
import { INSIDE_NODE_MODULES } from './npm-name.js';

/** Declared npm dependencies from pnpm-lock.yaml (lockfile v5.x, v6, v9); the YAML parser loads on first use. */
export const pnpmLockCataloger = defineCataloger({
  name: 'pnpm-lock',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/pnpm-lock.yaml'],
  skip: INSIDE_NODE_MODULES,
  parseText: async (text, file) => (await import('./pnpm-lock-parser.js')).parsePnpmLock(text, file.path),
});
