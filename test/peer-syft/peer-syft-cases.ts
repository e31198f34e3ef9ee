import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../../src/core/inventory.js';
import { buildInventory } from '../../src/catalog/inventory-builder.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { sharedData } from '../fixtures/shared-data.js';

export const CASES_DIR = sharedData('peer-syft', 'cases');

/** One anchore/syft fixture in a small root, with the (name, version) list syft's unit test expects. */
export interface PeerCase {
  name: string;
  root: string;
  /** `exact`: the sets must be equal; `partial`: syft asserts only these (a subset). */
  mode: 'exact' | 'partial';
  /** `non-dev`: syft's test reads no dev dependencies, so vigil's dev packages are left out. */
  filter: 'non-dev' | null;
  expected: string[];
}

/** `name<TAB>version` as one comparable string. */
export const key = (name: string, version: string): string => `${name}\t${version}`;

export function peerCases(): PeerCase[] {
  if (!existsSync(CASES_DIR)) throw new Error(`peer-syft cases not found: ${CASES_DIR} (../shared/data)`);
  return readdirSync(CASES_DIR)
    .sort()
    .map((name) => {
      const dir = join(CASES_DIR, name);
      const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Pick<
        PeerCase,
        'mode' | 'filter'
      >;
      const expected = readFileSync(join(dir, 'expected.tsv'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => key(l.split('\t')[0] ?? '', l.split('\t')[1] ?? ''));
      return { name, root: join(dir, 'root'), mode: meta.mode, filter: meta.filter, expected };
    });
}

/** What `vigil sbom ROOT` inventories: the same function the CLI calls, over the same resolver. */
export function inventoryOf(root: string): Promise<Inventory> {
  return buildInventory(new DirectoryResolver(root), { type: 'directory', target: root });
}

export interface CaseDiff {
  /** In syft's expectation, not in vigil's inventory. */
  missing: string[];
  /** In vigil's inventory, not in syft's expectation (exact cases only). */
  extra: string[];
}

export function diffCase(c: PeerCase, inv: Pick<Inventory, 'packages'>): CaseDiff {
  const got = new Set(
    inv.packages
      .filter((p) => c.filter !== 'non-dev' || p.metadata?.['dev'] !== 'true')
      .map((p) => key(p.name, p.version)),
  );
  const want = new Set(c.expected);
  return {
    missing: [...want].filter((k) => !got.has(k)).sort(),
    extra: c.mode === 'partial' ? [] : [...got].filter((k) => !want.has(k)).sort(),
  };
}
