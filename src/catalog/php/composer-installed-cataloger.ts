import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseComposerInstalled } from './composer-parser.js';

const MAX_INSTALLED = 32 * 1024 * 1024;

/** Installed PHP packages: Composer's record of what it put in `vendor/`. */
export const composerInstalledCataloger: Cataloger = {
  name: 'composer-installed',
  version: 1,
  ecosystem: 'composer',
  tags: ['language', 'installed'],
  globs: ['**/vendor/composer/installed.json'],
  async parse(file): Promise<ParseResult> {
    return {
      packages: parseComposerInstalled((await file.read({ maxBytes: MAX_INSTALLED })).toString('utf8')),
    };
  },
};
