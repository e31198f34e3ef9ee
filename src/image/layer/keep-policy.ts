import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { Cataloger } from '../../catalog/cataloger.js';

export type KeepDecision = 'keep' | 'elf' | 'none';

/** What OS detection reads (src/catalog/os), beyond any cataloger's globs. */
const OS_FILES = [
  'etc/os-release',
  'usr/lib/os-release',
  'etc/*-release',
  'etc/debian_version',
  'etc/alpine-release',
];

/** Files catalogers read as siblings of what their globs match (dpkg's file lists, dist-info RECORD). */
const SIBLING_FILES = [
  'var/lib/dpkg/info/*.list',
  'var/lib/dpkg/status.d/*',
  '**/*.dist-info/*',
  '**/*.egg-info',
  '**/*.egg-info/*',
];

export interface KeepPolicy {
  decide(path: string): KeepDecision;
  /** Changes whenever the set of kept files could change: part of the layer cache key. */
  readonly key: string;
}

/**
 * Which tar entries keep their bodies while a layer streams past. Everything is indexed (paths, links,
 * sizes); bodies only for what some cataloger could read. Catalogers tagged `binary` glob whole trees
 * (`usr/lib/**`) and sniff ELF magic first, so for those only ELF programs are kept. A literal file
 * name at the end of a glob (`rpmdb.sqlite`) is kept wherever it appears, because the glob may reach
 * it through a symlinked directory (Fedora's var/lib/rpm → usr/lib/sysimage/rpm).
 */
export function buildKeepPolicy(catalogers: readonly Cataloger[]): KeepPolicy {
  const plain = [...OS_FILES, ...SIBLING_FILES];
  const binary: string[] = [];
  for (const c of catalogers) (c.tags.includes('binary') ? binary : plain).push(...c.globs);
  const names = new Set(plain.map((g) => g.split('/').pop() ?? '').filter((n) => n && !/[*?[{]/.test(n)));
  const isPlain = picomatch(plain, { dot: true });
  const isBinary = binary.length > 0 ? picomatch(binary, { dot: true }) : () => false;
  const key = createHash('sha256')
    .update(JSON.stringify(catalogers.map((c) => [c.name, c.version, c.globs])))
    .update(JSON.stringify(plain))
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
