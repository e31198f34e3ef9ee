import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseGemfileLock } from './gemfile-lock-parser.js';

const MAX_LOCK = 16 * 1024 * 1024;

/** Declared gems from Bundler's `Gemfile.lock` (and `gems.locked`, its newer name). */
export const gemfileLockCataloger: Cataloger = {
  name: 'gemfile-lock',
  version: 1,
  ecosystem: 'gem',
  tags: ['language', 'declared'],
  globs: ['**/Gemfile.lock', '**/gems.locked'],
  async parse(file): Promise<ParseResult> {
    return { packages: parseGemfileLock((await file.read({ maxBytes: MAX_LOCK })).toString('utf8')) };
  },
};
