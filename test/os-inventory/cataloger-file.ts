import { posix } from 'node:path';
import type { CatalogerFile } from '../../src/catalog/cataloger.js';
import type { Resolver } from '../../src/source/resolver.js';

/** A CatalogerFile over a real resolver, for tests that look at a parser's ownership output directly. */
export function catalogerFileFor(resolver: Resolver, path: string): CatalogerFile {
  return {
    path,
    size: 0,
    read: (o) => resolver.readFile(path, o),
    open: () => resolver.open(path),
    readSibling: async (p) => {
      const target = p.startsWith('/') ? p : posix.join(posix.dirname(path), p);
      return (await resolver.stat(target)) ? resolver.readFile(target) : undefined;
    },
  };
}
