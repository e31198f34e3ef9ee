import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseGoMod } from './go-mod-parser.js';

const MAX_GO_MOD = 4 * 1024 * 1024;

/** Declared Go module requirements (`go.mod`); what is really linked comes from go-binary. */
export const goModCataloger: Cataloger = {
  name: 'go-mod',
  version: 1,
  ecosystem: 'golang',
  tags: ['language', 'declared'],
  globs: ['**/go.mod'],
  async parse(file): Promise<ParseResult> {
    return { packages: parseGoMod((await file.read({ maxBytes: MAX_GO_MOD })).toString('utf8')) };
  },
};
