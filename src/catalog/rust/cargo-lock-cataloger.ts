import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseCargoLock } from './cargo-lock-parser.js';

const MAX_LOCK = 16 * 1024 * 1024;

/** Declared Rust crates from `Cargo.lock`. */
export const cargoLockCataloger: Cataloger = {
  name: 'cargo-lock',
  version: 1,
  ecosystem: 'cargo',
  tags: ['language', 'declared'],
  globs: ['**/Cargo.lock'],
  async parse(file): Promise<ParseResult> {
    return { packages: parseCargoLock((await file.read({ maxBytes: MAX_LOCK })).toString('utf8')) };
  },
};
