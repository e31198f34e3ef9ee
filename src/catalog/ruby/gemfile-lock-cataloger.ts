import { defineCataloger } from '../define-cataloger.js';
import { parseGemfileLock } from './gemfile-lock-parser.js';

/** Declared gems from Bundler's `Gemfile.lock` (and `gems.locked`, its newer name). */
export const gemfileLockCataloger = defineCataloger({
  name: 'gemfile-lock',
  ecosystem: 'gem',
  tags: ['language', 'declared'],
  globs: ['**/Gemfile.lock', '**/gems.locked'],
  maxBytes: 16 * 1024 * 1024,
  parseText: (text) => parseGemfileLock(text),
});
