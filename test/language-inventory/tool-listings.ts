import { readFileSync } from 'node:fs';
import { splitNameSpec } from '../../src/catalog/npm/npm-name.js';

/** What a package manager itself lists, flattened to comparable sets. */
export interface Listing {
  /** `name@version` */
  packages: Set<string>;
  /** `name@version` of packages reached only through devDependencies. */
  devOnly: Set<string>;
}

interface LsNode {
  name?: string;
  version?: string;
  path?: string;
  dev?: boolean;
  from?: string;
  dependencies?: Record<string, LsNode>;
  devDependencies?: Record<string, LsNode>;
  optionalDependencies?: Record<string, LsNode>;
}

/** `npm ls --all --json --long`: every node with its install path (deduped nodes repeat the same path). */
export function npmLs(file: string): Listing & { installed: Set<string> } {
  const root = JSON.parse(readFileSync(file, 'utf8')) as LsNode;
  const installed = new Set<string>();
  const dev = new Set<string>();
  const prod = new Set<string>();
  const walk = (node: LsNode): void => {
    for (const child of Object.values(node.dependencies ?? {})) {
      if (!child.name || !child.version || !child.path) continue;
      const id = `${child.name}@${child.version}`;
      installed.add(`${id}@${child.path.slice(child.path.indexOf('/node_modules/'))}`);
      (child.dev ? dev : prod).add(id);
      walk(child);
    }
  };
  walk(root);
  return { installed, packages: new Set([...dev, ...prod]), devOnly: difference(dev, prod) };
}

/**
 * `yarn list --json` (classic): `shadow` nodes are references; the others are the resolved packages.
 * yarn lists an npm alias under its alias name; advisories name the real package, which vigil reports,
 * so `aliases` (alias → real name, from the project's `npm:` specs) maps the listing to real names.
 */
export function yarnClassicList(file: string, aliases: Record<string, string> = {}): Set<string> {
  const out = new Set<string>();
  interface Tree {
    name: string;
    shadow?: boolean;
    children?: Tree[];
  }
  const walk = (t: Tree): void => {
    if (!t.shadow) {
      const [name, version] = splitNameSpec(t.name);
      out.add(`${aliases[name] ?? name}@${version}`);
    }
    for (const c of t.children ?? []) walk(c);
  };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { type: string; data: { trees?: Tree[] } };
    if (msg.type === 'tree') for (const t of msg.data.trees ?? []) walk(t);
  }
  return out;
}

/** `yarn info --all --recursive --json` (berry): one locator per line. */
export function yarnBerryInfo(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { value: string; children: { Version: string } };
    const [name, ref] = splitNameSpec(msg.value);
    if (ref.startsWith('workspace:')) continue;
    out.add(`${name}@${msg.children.Version}`);
  }
  return out;
}

/** `pnpm list --depth Infinity --json`: devDependencies subtrees are dev, the rest production. */
export function pnpmLs(file: string): Listing {
  const projects = JSON.parse(readFileSync(file, 'utf8')) as LsNode[];
  const dev = new Set<string>();
  const prod = new Set<string>();
  const walk = (deps: Record<string, LsNode> | undefined, into: Set<string>): void => {
    for (const [key, node] of Object.entries(deps ?? {})) {
      if (!node.version || node.version.startsWith('link:')) continue;
      into.add(`${node.from ?? key}@${node.version}`);
      walk(node.dependencies, into);
      walk(node.optionalDependencies, into);
    }
  };
  for (const p of projects) {
    walk(p.dependencies, prod);
    walk(p.optionalDependencies, prod);
    walk(p.devDependencies, dev);
  }
  return { packages: new Set([...dev, ...prod]), devOnly: difference(dev, prod) };
}

export function difference<T>(a: Set<T>, b: Set<T>): Set<T> {
  return new Set([...a].filter((x) => !b.has(x)));
}
