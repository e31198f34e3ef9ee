import { defineCataloger } from '../define-cataloger.js';
import { parseComposerInstalled } from './composer-parser.js';

/** Installed PHP packages: Composer's record of what it put in `vendor/`. */
export const composerInstalledCataloger = defineCataloger({
  name: 'composer-installed',
  ecosystem: 'composer',
  tags: ['language', 'installed'],
  globs: ['**/vendor/composer/installed.json'],
  maxBytes: 32 * 1024 * 1024,
  parseText: (text) => parseComposerInstalled(text),
});
