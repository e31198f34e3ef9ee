import type { Cataloger } from '../cataloger.js';
import { parsePnpmLock } from './pnpm-lock-parser.js';

/** Declared npm dependencies from pnpm-lock.yaml (lockfile v5.x, v6, v9). */
export const pnpmLockCataloger: Cataloger = {
  name: 'pnpm-lock',
  version: 1,
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/pnpm-lock.yaml'],
  async parse(file) {
    if (/(^|\/)node_modules\//.test(file.path)) return { packages: [] };
    return { packages: parsePnpmLock((await file.read()).toString('utf8'), file.path) };
  },
};
