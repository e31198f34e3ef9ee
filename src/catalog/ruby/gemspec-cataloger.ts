import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseGemspec } from './gemspec-parser.js';

const MAX_GEMSPEC = 1024 * 1024;

/** Installed gems: RubyGems' specification files, default gems (shipped with Ruby) included. */
export const gemspecCataloger: Cataloger = {
  name: 'gemspec',
  version: 1,
  ecosystem: 'gem',
  tags: ['language', 'installed'],
  globs: ['**/specifications/*.gemspec', '**/specifications/default/*.gemspec'],
  async parse(file): Promise<ParseResult> {
    const draft = parseGemspec((await file.read({ maxBytes: MAX_GEMSPEC })).toString('utf8'));
    if (!draft) return { packages: [] };
    if (file.path.includes('/specifications/default/'))
      draft.metadata = { ...draft.metadata, defaultGem: 'true' };
    return { packages: [draft] };
  },
};
