import { defineCataloger } from '../define-cataloger.js';
import { parseGemspec } from './gemspec-parser.js';

/** Installed gems: RubyGems' specification files, default gems (shipped with Ruby) included. */
export const gemspecCataloger = defineCataloger({
  name: 'gemspec',
  ecosystem: 'gem',
  tags: ['language', 'installed'],
  globs: ['**/specifications/*.gemspec', '**/specifications/default/*.gemspec'],
  maxBytes: 1024 * 1024,
  parseText(text, file) {
    const draft = parseGemspec(text);
    if (!draft) return [];
    if (file.path.includes('/specifications/default/'))
      draft.metadata = { ...draft.metadata, defaultGem: 'true' };
    return [draft];
  },
});
