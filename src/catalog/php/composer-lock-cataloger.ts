import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseComposerLock } from './composer-parser.js';

const MAX_LOCK = 32 * 1024 * 1024;

/** Declared PHP packages from `composer.lock` (dev packages marked in metadata). */
export const composerLockCataloger: Cataloger = {
  name: 'composer-lock',
  version: 1,
  ecosystem: 'composer',
  tags: ['language', 'declared'],
  globs: ['**/composer.lock'],
  async parse(file): Promise<ParseResult> {
    return { packages: parseComposerLock((await file.read({ maxBytes: MAX_LOCK })).toString('utf8')) };
  },
};
