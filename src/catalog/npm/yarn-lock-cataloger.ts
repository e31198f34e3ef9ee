import { defineCataloger } from '../define-cataloger.js';
import { projectRoots } from './draft-set.js';
import { INSIDE_NODE_MODULES } from './npm-name.js';

/** Declared npm dependencies from yarn.lock (classic v1 and berry); the parser loads on first use. */
export const yarnLockCataloger = defineCataloger({
  name: 'yarn-lock',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'npm',
  tags: ['language', 'declared'],
  globs: ['**/yarn.lock'],
  skip: INSIDE_NODE_MODULES,
  async parseText(text, file) {
    const roots = projectRoots(await file.readSibling('package.json'));
    return (await import('./yarn-lock-parser.js')).parseYarnLock(text, file.path, roots);
  },
});
