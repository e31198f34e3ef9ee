import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { appendAll } from '../../../core/append-all.js';

export type KeepDecision = 'keep' | 'elf' | 'none';

/**
 * Files some reader wants from an image: a cataloger's globs, OS detection's files. Catalogers satisfy
 * it as they are; `binary` in `tags` marks globs over whole trees of which only ELF programs matter.
 */
export interface FileInterest {
  readonly name: string;
  readonly version: number;
  readonly globs: readonly string[];
  readonly tags: readonly string[];
}

export interface KeepPolicy {
  decide(path: string): KeepDecision;
  /** Changes whenever the set of kept files could change: part of the layer cache key. */
  readonly key: string;
}

/**
 * Which tar entries keep their bodies while a layer streams past. Everything is indexed (paths, links,
 * sizes); bodies only for what some reader is interested in. Catalogers tagged `binary` glob whole trees
 * (`usr/lib/**`) and sniff ELF magic first, so for those only ELF programs are kept. A literal file
 * name at the end of a glob (`rpmdb.sqlite`) is kept wherever it appears, because the glob may reach
 * it through a symlinked directory (Fedora's var/lib/rpm → usr/lib/sysimage/rpm).
 */
export function buildKeepPolicy(interests: readonly FileInterest[]): KeepPolicy {
  const plain: string[] = [];
  const binary: string[] = [];
  for (const c of interests) appendAll(c.tags.includes('binary') ? binary : plain, c.globs);
  const names = new Set(plain.map((g) => g.split('/').pop() ?? '').filter((n) => n && !/[*?[{]/.test(n)));
  const isPlain = picomatch(plain, { dot: true });
  const isBinary = binary.length > 0 ? picomatch(binary, { dot: true }) : () => false;
  const key = createHash('sha256')
    .update(JSON.stringify(interests.map((c) => [c.name, c.version, c.globs, c.tags])))
    .digest('hex')
    .slice(0, 16);
  return {
    key,
    decide(path: string): KeepDecision {
      if (isPlain(path)) return 'keep';
      const slash = path.lastIndexOf('/');
      if (names.has(path.slice(slash + 1))) return 'keep';
      return isBinary(path) ? 'elf' : 'none';
    },
  };
}
