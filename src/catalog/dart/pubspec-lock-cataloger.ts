import { defineCataloger } from '../define-cataloger.js';

/** Declared Dart and Flutter packages (pub.dev) from `pubspec.lock`; the YAML parser loads on first use. */
export const pubspecLockCataloger = defineCataloger({
  name: 'pubspec-lock',
  ecosystem: 'pub',
  tags: ['language', 'declared'],
  globs: ['**/pubspec.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText: async (text, file) =>
    (await import('./pubspec-lock-parser.js')).parsePubspecLock(text, file.path),
});
