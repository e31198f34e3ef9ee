import { defineCataloger } from '../define-cataloger.js';
import { parseInstalledPackageJson } from './package-json-parser.js';

/**
 * Installed npm packages: every package root under a node_modules at any depth (nested duplicates
 * included, pnpm's `.pnpm` store too), and Debian's global module dirs. Only package roots are
 * globbed, so package.json files of test fixtures inside a package are never read.
 */
export const npmInstalledCataloger = defineCataloger({
  name: 'npm-installed',
  ecosystem: 'npm',
  tags: ['language', 'installed'],
  globs: [
    '**/node_modules/*/package.json',
    '**/node_modules/@*/*/package.json',
    'usr/share/nodejs/*/package.json',
    'usr/share/nodejs/@*/*/package.json',
    'usr/lib/nodejs/*/package.json',
    'usr/lib/nodejs/@*/*/package.json',
    'usr/lib/*/nodejs/*/package.json',
    'usr/lib/*/nodejs/@*/*/package.json',
  ],
  parseText(text, file) {
    const draft = parseInstalledPackageJson(text, file.path);
    return draft ? [draft] : [];
  },
});
