import type { Cataloger } from '../cataloger.js';
import { parsePackageLock } from './package-lock-parser.js';

/** Declared npm dependencies from package-lock.json (v1–v3) and npm-shrinkwrap.json. */
export const npmPackageLockCataloger: Cataloger = {
  name: 'npm-package-lock',
  version: 1,
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  // The hidden lockfile npm keeps inside node_modules describes installed packages, which
  // npm-installed already reads from their package.json files.
  globs: ['**/package-lock.json', '**/npm-shrinkwrap.json'],
  async parse(file) {
    if (/(^|\/)node_modules\//.test(file.path)) return { packages: [] };
    return { packages: parsePackageLock((await file.read()).toString('utf8'), file.path) };
  },
};
