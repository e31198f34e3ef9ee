import { defineCataloger } from '../define-cataloger.js';
import { projectRoots } from './draft-set.js';
import { INSIDE_NODE_MODULES } from './npm-name.js';
import { parseYarnLock } from './yarn-lock-parser.js';

/** Declared npm dependencies from yarn.lock (classic v1 and berry). */
export const yarnLockCataloger = defineCataloger({
  name: 'yarn-lock',
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/yarn.lock'],
  skip: INSIDE_NODE_MODULES,
  async parseText(text, file) {
    const roots = projectRoots(await file.readSibling('package.json'));
    return parseYarnLock(text, file.path, roots);
  },
});
