import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGERS } from '../../src/catalog/cataloger-registry.js';
import { READER_INTERESTS } from '../../src/catalog/image-inventory.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { sharedData } from '../fixtures/shared-data.js';
import { HOST_EXCLUDES } from '../../src/source/directory/directory-resolver.js';
import { TreeGlobMatcher } from '../../src/source/tree-glob-matcher.js';

/** Globs whose picomatch corners a segment-wise reading could get wrong, beside every real one. */
const CORNER_GLOBS = [
  '**',
  '*',
  'usr/lib/**',
  'a/**/b',
  'a/**/**/b/**',
  '**/x/**/y',
  '**/{package,bower}.json', // braces: matched whole
  '**/*.c++',
  '**/.*',
  '**/[!a-m]*.txt',
  '**/?.txt',
  'opt/big',
  '**/*.jar',
];

/** Names that sit on the edges of those globs. */
const CORNER_PATHS = [
  'x',
  '.x',
  '.jar',
  'a.jar',
  'a.JAR',
  'jar',
  'usr/lib',
  'usr/lib/x',
  'usr/lib/x/y/z',
  'usr/libexec/x',
  'a/b',
  'a/x/y/b',
  'a/b/c',
  'a/bb',
  'x/y',
  'q/x/r/s/y',
  'package.json',
  'n/bower.json',
  'n/.hidden',
  'x.c++',
  'zeta.txt',
  'alpha.txt',
  'b.txt',
  'requirements.txt',
  'requirements/dev.txt',
  'app/requirements-dev.txt',
  'node_modules/@/b/package.json',
  'node_modules/@scope/b/package.json',
  'x/node_modules/.pnpm/y/node_modules/z/package.json',
  'usr/lib/python3/dist-packages/Foo-1.0.DIST-INFO/METADATA',
  'srv/app/.venv/lib/python3.12/site-packages/requests-2.22.0.EGG-INFO',
  'srv/app/.venv/lib/python3.12/site-packages/x.egg/EGG-INFO/PKG-INFO',
  'a/.deps.json',
  'opt/big',
  'opt/big/inner',
  'var/lib/dpkg/status.d/base-files',
  'proc',
  'proc/1/status',
];

let paths: string[];

/** Every directory and file under `dir`, as in-root paths without the leading slash. */
function listTree(dir: string, root = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(relative(root, p));
    if (e.isDirectory()) listTree(p, root, out);
  }
  return out;
}

beforeAll(async () => {
  const rootfs = await debianRootfs({ suite: 'bookworm' });
  paths = [
    ...CORNER_PATHS,
    ...listTree(rootfs),
    ...listTree(sharedData('peer-syft/cases')),
    ...listTree(join(import.meta.dirname, '../../src/catalog')),
  ];
}, 600_000);

/** The matcher's answer for one path, walked the way the tree walk meets it. */
function idsOf(matcher: TreeGlobMatcher, path: string): number[] {
  const parts = path.split('/');
  let state = matcher.root;
  for (const dir of parts.slice(0, -1)) state = matcher.enter(state, dir);
  return [...matcher.matches(state, parts.at(-1) as string, () => path)].sort((a, b) => a - b);
}

describe('TreeGlobMatcher', () => {
  it('agrees with picomatch (dot: true) on every registered glob, over real trees and corner cases', () => {
    const globs = [
      ...new Set([
        ...CATALOGERS.flatMap((c) => c.globs),
        ...READER_INTERESTS.flatMap((i) => i.globs),
        ...HOST_EXCLUDES,
        ...CORNER_GLOBS,
      ]),
    ];
    const matcher = new TreeGlobMatcher(globs.map((glob, id) => ({ glob, id })));
    const reference = globs.map((g) => picomatch(g, { dot: true }));
    let matched = 0;
    for (const path of paths) {
      const expected = reference.flatMap((isMatch, id) => (isMatch(path) ? [id] : []));
      matched += expected.length;
      expect(idsOf(matcher, path), path).toEqual(expected);
    }
    // The comparison means something only if many paths match: the rootfs alone has hundreds.
    expect(paths.length).toBeGreaterThan(5_000);
    expect(matched).toBeGreaterThan(1_000);
  });

  it('reports each id once even when several of its globs match', () => {
    const matcher = new TreeGlobMatcher([
      { glob: '**/package.json', id: 7 },
      { glob: 'node_modules/*/package.json', id: 7 },
      { glob: '**/*.json', id: 8 },
    ]);
    expect(idsOf(matcher, 'node_modules/a/package.json')).toEqual([7, 8]);
    expect(idsOf(matcher, 'a/b/c.txt')).toEqual([]);
  });
});
