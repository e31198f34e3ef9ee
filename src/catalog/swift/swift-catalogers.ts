import { defineCataloger } from '../define-cataloger.js';
import { parsePackageResolved } from './package-resolved-parser.js';

/**
 * Declared CocoaPods from `Podfile.lock`; no advisory database names CocoaPods, so they are not matched.
 * The YAML parser loads on first use.
 */
export const podfileLockCataloger = defineCataloger({
  name: 'podfile-lock',
  ecosystem: 'cocoapods',
  tags: ['language', 'declared'],
  globs: ['**/Podfile.lock'],
  maxBytes: 16 * 1024 * 1024,
  parseText: async (text, file) =>
    (await import('./podfile-lock-parser.js')).parsePodfileLock(text, file.path),
});

/** Declared Swift packages from SwiftPM's `Package.resolved` (formats 1, 2 and 3), named as SwiftURL does. */
export const swiftPackageResolvedCataloger = defineCataloger({
  name: 'swift-package-resolved',
  ecosystem: 'swift',
  tags: ['language', 'declared'],
  globs: ['**/Package.resolved'],
  maxBytes: 16 * 1024 * 1024,
  parseText(text, file) {
    const { packages, unpinned } = parsePackageResolved(text, file.path);
    return {
      packages,
      unknowns: unpinned.map((detail) => ({ path: file.path, reason: 'unsupported', detail })),
    };
  },
});
