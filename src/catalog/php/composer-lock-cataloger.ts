import { defineCataloger } from '../define-cataloger.js';
import { parseComposerLock } from './composer-parser.js';

/** Declared PHP packages from `composer.lock` (dev packages marked in metadata). */
export const composerLockCataloger = defineCataloger({
  name: 'composer-lock',
  ecosystem: 'composer',
  tags: ['language', 'declared'],
  globs: ['**/composer.lock'],
  maxBytes: 32 * 1024 * 1024,
  parseText: (text) => parseComposerLock(text),
});
