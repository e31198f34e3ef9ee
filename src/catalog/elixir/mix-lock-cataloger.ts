import { defineCataloger } from '../define-cataloger.js';
import { parseMixLock } from './mix-lock-parser.js';

/** Declared Elixir/Erlang packages (Hex) from `mix.lock`. */
export const mixLockCataloger = defineCataloger({
  name: 'mix-lock',
  ecosystem: 'hex',
  tags: ['language', 'declared'],
  globs: ['**/mix.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText(text, file) {
    const { packages, problems } = parseMixLock(text, file.path);
    return {
      packages,
      unknowns: problems.map((detail) => ({ path: file.path, reason: 'unsupported', detail })),
    };
  },
});
