import { defineCataloger } from '../define-cataloger.js';
import { parseCargoLock } from './cargo-lock-parser.js';

/** Declared Rust crates from `Cargo.lock`. */
export const cargoLockCataloger = defineCataloger({
  name: 'cargo-lock',
  ecosystem: 'cargo',
  tags: ['language', 'declared'],
  globs: ['**/Cargo.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText: (text) => parseCargoLock(text),
});
