import { defineCataloger } from '../define-cataloger.js';
import { parseGradleLockfile } from './gradle-lockfile-parser.js';

/** Declared Maven coordinates from Gradle dependency locking (project and build script lockfiles). */
export const gradleLockfileCataloger = defineCataloger({
  name: 'gradle-lockfile',
  ecosystem: 'maven',
  tags: ['language', 'declared'],
  globs: ['**/gradle.lockfile', '**/buildscript-gradle.lockfile', '**/gradle/dependency-locks/*.lockfile'],
  maxBytes: 16 * 1024 * 1024,
  parseText(text, file) {
    const { packages, problems } = parseGradleLockfile(text, file.path);
    return {
      packages,
      unknowns: problems.map((detail) => ({ path: file.path, reason: 'parse-error', detail })),
    };
  },
});
