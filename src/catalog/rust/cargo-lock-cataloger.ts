import { defineCataloger } from '../define-cataloger.js';
import { parseCargoLock } from './cargo-lock-parser.js';

/** Declared Rust crates from `Cargo.lock`. */
export const cargoLockCataloger = defineCataloger({
  name: 'cargo-lock',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'cargo',
  tags: ['language', 'declared'],
  globs: ['**/Cargo.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText: (text) => parseCargoLock(text),
});
