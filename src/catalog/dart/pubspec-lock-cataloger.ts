import { defineCataloger } from '../define-cataloger.js';
import { parsePubspecLock } from './pubspec-lock-parser.js';

/** Declared Dart and Flutter packages (pub.dev) from `pubspec.lock`. */
export const pubspecLockCataloger = defineCataloger({
  name: 'pubspec-lock',
  ecosystem: 'pub',
  tags: ['language', 'declared'],
  globs: ['**/pubspec.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText: (text, file) => parsePubspecLock(text, file.path),
});
