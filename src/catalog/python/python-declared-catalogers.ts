import type { Cataloger, CatalogerFile } from '../cataloger.js';
import { parsePipfileLock } from './pipfile-lock-parser.js';
import { parsePoetryLock } from './poetry-lock-parser.js';
import { parseRequirements } from './requirements-parser.js';

/** Files shipped inside installed packages are not the scanned project's declarations. */
const INSTALLED_TREE = /(^|\/)(site-packages|dist-packages|node_modules)\//;

async function text(file: CatalogerFile): Promise<string> {
  return (await file.read()).toString('utf8').replace(/^\uFEFF/, '');
}

export const poetryLockCataloger: Cataloger = {
  name: 'poetry-lock',
  version: 1,
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/poetry.lock'],
  async parse(file) {
    if (INSTALLED_TREE.test(file.path)) return { packages: [] };
    return { packages: parsePoetryLock(await text(file), file.path) };
  },
};

export const pipfileLockCataloger: Cataloger = {
  name: 'pipfile-lock',
  version: 1,
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/Pipfile.lock'],
  async parse(file) {
    if (INSTALLED_TREE.test(file.path)) return { packages: [] };
    return { packages: parsePipfileLock(await text(file), file.path) };
  },
};

export const pipRequirementsCataloger: Cataloger = {
  name: 'pip-requirements',
  version: 1,
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/requirements*.txt', '**/requirements/*.txt'],
  async parse(file) {
    if (INSTALLED_TREE.test(file.path)) return { packages: [] };
    return { packages: parseRequirements(await text(file)) };
  },
};
