import { defineCataloger } from '../define-cataloger.js';
import { INSIDE_NODE_MODULES } from './npm-name.js';
import { parsePackageLock } from './package-lock-parser.js';

/** Declared npm dependencies from package-lock.json (v1–v3) and npm-shrinkwrap.json. */
export const npmPackageLockCataloger = defineCataloger({
  name: 'npm-package-lock',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/package-lock.json', '**/npm-shrinkwrap.json'],
  // The hidden lockfile npm keeps inside node_modules describes installed packages, which
  // npm-installed already reads from their package.json files.
  skip: INSIDE_NODE_MODULES,
  parseText: (text, file) => parsePackageLock(text, file.path),
});
