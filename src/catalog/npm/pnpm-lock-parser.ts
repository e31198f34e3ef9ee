import { appendAll } from '../../core/append-all.js';
import { parseAllDocuments } from 'yaml';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { devOnlyNodes } from '../dev-reachability.js';
import { collapseDrafts } from './draft-set.js';
import { splitNameSpec } from './npm-name.js';
import { isRecord } from './package-json-parser.js';

/**
 * pnpm-lock.yaml in its three shapes: v5.x keys `/name/1.0.0_peer@2`, v6 keys `/name@1.0.0(peer@2)`,
 * v9 keys `name@1.0.0` with peers moved to `snapshots`. v5 and v6 flag dev packages; v9 does not, so
 * dev-only packages are found by walking the snapshot graph from the importers' roots.
 *
 * pnpm ≥ 11 may write two YAML documents: first the lockfile of pnpm's own environment (the pnpm
 * version `packageManager` pins, config dependencies), then the project's. Every document that is a
 * lockfile is read; what only the environment needs counts as dev (it runs pnpm, it is not the app).
 */
export function parsePnpmLock(text: string, path: string): PackageDraft[] {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const drafts: PackageDraft[] = [];
  for (const d of list) {
    const err = d.errors[0];
    if (err) throw new ParseError('pnpm-lock.yaml', path, err.message);
    const doc: unknown = d.toJS();
    if (doc === null && list.length > 1) continue;
    if (!isRecord(doc)) throw new ParseError('pnpm-lock.yaml', path, 'not a YAML mapping');
    appendAll(drafts, lockfileDrafts(doc));
  }
  return collapseDrafts(drafts);
}

function lockfileDrafts(doc: Record<string, unknown>): PackageDraft[] {
  const lv = doc['lockfileVersion'];
  const major = typeof lv === 'number' || typeof lv === 'string' ? Number.parseInt(String(lv), 10) : NaN;
  const packages = isRecord(doc['packages']) ? doc['packages'] : {};
  const devOnly = isRecord(doc['snapshots']) ? v9DevOnly(doc['importers'], doc['snapshots']) : undefined;
  const drafts: PackageDraft[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    const e = isRecord(entry) ? entry : {};
    const id = identify(key, e, major);
    if (!id) continue;
    const dev = devOnly ? devOnly.has(`${id.name}@${id.version}`) : e['dev'] === true;
    drafts.push(draft(id.name, id.version, dev));
  }
  if (major > 0 && major < 6) appendAll(drafts, v5ImporterOnly(doc, drafts));
  return drafts;
}

function draft(name: string, version: string, dev: boolean): PackageDraft {
  const metadata: Record<string, string> = dev ? { dev: 'true' } : {};
  return { name, version, ecosystem: 'npm', scope: 'declared', metadata };
}

/**
 * A v5 lockfile's top-level `dependencies`/`devDependencies` name the resolved versions of the
 * project's direct dependencies; one that `packages` lacks (a hand-trimmed lockfile) is still declared.
 */
function v5ImporterOnly(doc: Record<string, unknown>, known: PackageDraft[]): PackageDraft[] {
  const seen = new Set(known.map((d) => d.name + '@' + d.version));
  const importers = isRecord(doc['importers']) ? Object.values(doc['importers']) : [doc];
  const out: PackageDraft[] = [];
  for (const imp of importers.filter(isRecord)) {
    for (const [field, dev] of [
      ['dependencies', false],
      ['optionalDependencies', false],
      ['devDependencies', true],
    ] as const) {
      for (const [name, ref] of Object.entries(refs(imp[field]))) {
        const version = ref.split('_')[0] ?? '';
        if (!/^\d/.test(version) || seen.has(name + '@' + version)) continue;
        seen.add(name + '@' + version);
        out.push(draft(name, version, dev));
      }
    }
  }
  return out;
}

function identify(
  key: string,
  e: Record<string, unknown>,
  major: number,
): { name: string; version: string } | undefined {
  // Tarball and git dependencies carry their own name and version; their keys are URLs.
  if (typeof e['name'] === 'string' && typeof e['version'] === 'string') {
    return { name: e['name'], version: e['version'] };
  }
  const bare = key.replace(/^\//, '');
  let name: string;
  let version: string;
  if (major > 0 && major < 6) {
    const slash = bare.lastIndexOf('/');
    name = bare.slice(0, slash);
    version = bare.slice(slash + 1).split('_')[0] ?? '';
  } else {
    [name, version] = splitNameSpec(stripPeers(bare));
  }
  if (!name || !/^\d/.test(version)) return undefined;
  return { name, version };
}

function stripPeers(key: string): string {
  const i = key.indexOf('(');
  return i < 0 ? key : key.slice(0, i);
}

/** Snapshot ids reachable only from devDependencies, reported as peer-less `name@version` keys. */
function v9DevOnly(importers: unknown, snapshots: Record<string, unknown>): Set<string> {
  const edges = new Map<string, string[]>();
  for (const [id, snap] of Object.entries(snapshots)) {
    const s = isRecord(snap) ? snap : {};
    const deps = { ...refs(s['dependencies']), ...refs(s['optionalDependencies']) };
    edges.set(
      id,
      Object.entries(deps).flatMap(([n, v]) => snapshotId(n, v) ?? []),
    );
  }
  const prod: string[] = [];
  const dev: string[] = [];
  for (const imp of Object.values(isRecord(importers) ? importers : {})) {
    if (!isRecord(imp)) continue;
    const ids = (v: unknown): string[] =>
      Object.entries(isRecord(v) ? v : {}).flatMap(([n, d]) =>
        isRecord(d) && typeof d['version'] === 'string' ? (snapshotId(n, d['version']) ?? []) : [],
      );
    appendAll(appendAll(prod, ids(imp['dependencies'])), ids(imp['optionalDependencies']));
    appendAll(dev, ids(imp['devDependencies']));
    // pnpm's own environment (pnpm ≥ 11): the package manager and its config dependencies.
    appendAll(appendAll(dev, ids(imp['packageManagerDependencies'])), ids(imp['configDependencies']));
  }
  const devIds = devOnlyNodes(edges, prod, dev);
  const prodKeys = new Set([...edges.keys()].filter((id) => !devIds.has(id)).map(stripPeers));
  return new Set([...devIds].map(stripPeers).filter((k) => !prodKeys.has(k)));
}

/**
 * A dependency reference: a version (`1.0.0(peer@1)`), an alias (`real@1.0.0`), a tarball or git URL
 * (keyed as `name@url`), or a `link:` to a workspace (not a package).
 */
function snapshotId(name: string, ref: string): string | undefined {
  if (ref.startsWith('link:') || ref.startsWith('file:')) return undefined;
  if (/^\d/.test(ref)) return `${name}@${ref}`;
  if (/^(@[^/@]+\/)?[^@/:(]+@\d/.test(ref)) return ref;
  return `${name}@${ref}`;
}

function refs(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, r] of Object.entries(v)) if (typeof r === 'string') out[k] = r;
  return out;
}
