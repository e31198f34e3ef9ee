import { defineCataloger } from '../define-cataloger.js';

/** Declared Rust crates from `Cargo.lock`; the TOML parser loads on first use. */
export const cargoLockCataloger = defineCataloger({
  name: 'cargo-lock',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'cargo',
  tags: ['language', 'declared'],
  globs: ['**/Cargo.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText: async (text) => (await import('./cargo-lock-parser.js')).parseCargoLock(text),
});
