import { defineCataloger } from '../define-cataloger.js';
import { parsePipfileLock } from './pipfile-lock-parser.js';
import { parseRequirements } from './requirements-parser.js';

// The TOML lockfiles' parsers (and smol-toml) load on first use: most trees have none.

/** Files shipped inside installed packages are not the scanned project's declarations. */
export const INSTALLED_TREE = /(^|\/)(site-packages|dist-packages|node_modules)\//;

export const poetryLockCataloger = defineCataloger({
  name: 'poetry-lock',
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/poetry.lock'],
  skip: INSTALLED_TREE,
  parseText: async (text, file) => (await import('./poetry-lock-parser.js')).parsePoetryLock(text, file.path),
});

export const pipfileLockCataloger = defineCataloger({
  name: 'pipfile-lock',
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/Pipfile.lock'],
  skip: INSTALLED_TREE,
  parseText: (text, file) => parsePipfileLock(text, file.path),
});

export const pipRequirementsCataloger = defineCataloger({
  name: 'pip-requirements',
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/requirements*.txt', '**/requirements/*.txt'],
  skip: INSTALLED_TREE,
  parseText: (text) => parseRequirements(text),
});

export const uvLockCataloger = defineCataloger({
  name: 'uv-lock',
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/uv.lock'],
  skip: INSTALLED_TREE,
  parseText: async (text, file) => (await import('./uv-lock-parser.js')).parseUvLock(text, file.path),
});

export const pdmLockCataloger = defineCataloger({
  name: 'pdm-lock',
  ecosystem: 'pypi',
  tags: ['language', 'declared'],
  globs: ['**/pdm.lock'],
  skip: INSTALLED_TREE,
  parseText: async (text, file) => (await import('./pdm-lock-parser.js')).parsePdmLock(text, file.path),
});
