import { defineCataloger } from '../define-cataloger.js';

/** Declared Go module requirements (`go.mod`); what is really linked comes from go-binary. */
export const goModCataloger = defineCataloger({
  name: 'go-mod',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'golang',
  tags: ['language', 'declared'],
  globs: ['**/go.mod'],
  maxBytes: 4 * 1024 * 1024,
  async parseText(text, file) {
    const { parseGoMod } = await import('./go-mod-parser.js');
    const { packages, problems } = parseGoMod(text);
    return {
      packages,
      unknowns: problems.map((detail) => ({ path: file.path, reason: 'parse-error', detail })),
    };
  },
});
