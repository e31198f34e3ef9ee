import type { Cataloger } from '../cataloger.js';
import { projectRoots } from './draft-set.js';
import { parseYarnLock } from './yarn-lock-parser.js';

/** Declared npm dependencies from yarn.lock (classic v1 and berry). */
export const yarnLockCataloger: Cataloger = {
  name: 'yarn-lock',
  version: 1,
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/yarn.lock'],
  async parse(file) {
    if (/(^|\/)node_modules\//.test(file.path)) return { packages: [] };
    const roots = projectRoots(await file.readSibling('package.json'));
    return { packages: parseYarnLock((await file.read()).toString('utf8'), file.path, roots) };
  },
};
