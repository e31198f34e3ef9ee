import { defineCataloger } from '../define-cataloger.js';
import { parseConanLock } from './conan-lock-parser.js';

/** Declared C/C++ packages (ConanCenter) from `conan.lock`, Conan 1 (0.4) and Conan 2 (0.5) formats. */
export const conanLockCataloger = defineCataloger({
  name: 'conan-lock',
  ecosystem: 'conan',
  tags: ['language', 'declared'],
  globs: ['**/conan.lock'],
  maxBytes: 32 * 1024 * 1024,
  parseText: (text, file) => parseConanLock(text, file.path),
});
