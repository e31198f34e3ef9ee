import { defineCataloger } from '../define-cataloger.js';
import { parseInstalledDistribution } from './core-metadata-parser.js';

const DIRS = ['site-packages', 'dist-packages'];

/**
 * Installed Python distributions, as importlib.metadata finds them on a path entry: wheel installs
 * (`*.dist-info/METADATA`), setuptools installs (`*.egg-info` as a file or a directory with PKG-INFO)
 * and eggs (`*.egg/EGG-INFO/PKG-INFO`), in site-packages and Debian's dist-packages.
 */
export const pythonInstalledCataloger = defineCataloger({
  name: 'python-installed',
  ecosystem: 'pypi',
  tags: ['language', 'installed'],
  globs: DIRS.flatMap((d) => [
    `**/${d}/*.dist-info/METADATA`,
    `**/${d}/*.egg-info/PKG-INFO`,
    `**/${d}/*.egg-info`,
    `**/${d}/*.egg/EGG-INFO/PKG-INFO`,
  ]),
  parseText(text, file) {
    const draft = parseInstalledDistribution(text, file.path);
    return draft ? [draft] : [];
  },
});
