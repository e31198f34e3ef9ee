import { defineCataloger } from '../define-cataloger.js';
import { parseInstalledDistribution } from './core-metadata-parser.js';

const DIRS = ['site-packages', 'dist-packages'];

/** `dist-info` → `[dD][iI]…`: importlib.metadata lowercases a directory name before it looks at the suffix. */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
}
const DIST_INFO = anyCase('dist-info');
const EGG_INFO = anyCase('egg-info');

/**
 * Installed Python distributions, as importlib.metadata finds them on a path entry: wheel installs
 * (`*.dist-info/METADATA`), setuptools installs (`*.egg-info` as a file or a directory with PKG-INFO)
 * and eggs (`*.egg/EGG-INFO/PKG-INFO`), in site-packages and Debian's dist-packages; the suffixes in
 * any case (`Pygments-2.6.1.DIST-INFO`), as importlib.metadata reads them.
 */
export const pythonInstalledCataloger = defineCataloger({
  name: 'python-installed',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'pypi',
  tags: ['language', 'installed'],
  globs: DIRS.flatMap((d) => [
    `**/${d}/*.${DIST_INFO}/METADATA`,
    `**/${d}/*.${EGG_INFO}/PKG-INFO`,
    `**/${d}/*.${EGG_INFO}`,
    `**/${d}/*.egg/${EGG_INFO}/PKG-INFO`,
  ]),
  parseText(text, file) {
    const parsed = parseInstalledDistribution(text, file.path);
    if ('draft' in parsed) return [parsed.draft];
    // A distribution without a version cannot be matched; say so rather than drop it.
    return {
      packages: [],
      unknowns: parsed.problem ? [{ path: file.path, reason: 'parse-error', detail: parsed.problem }] : [],
    };
  },
});
