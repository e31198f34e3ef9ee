import { parse as parseJsonc, printParseErrorCode, type ParseError as JsoncError } from 'jsonc-parser';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { devOnlyNodes } from '../dev-reachability.js';
import { collapseDrafts } from './draft-set.js';
import { splitNameSpec } from './npm-name.js';
import { isRecord } from './package-json-parser.js';

type Deps = Record<string, string>;

/**
 * bun.lock (Bun ≥ 1.2, JSON with trailing commas): `workspaces` holds each workspace's declared
 * dependencies, `packages` every installed package keyed by its install path (`debug/ms` is `ms`
 * nested under `debug`), the first element the resolved `name@version` (an alias `left` →
 * `left-pad@1.3.0`). Workspace, link and file entries are the project's own code. Dev-only packages
 * are those the workspaces' devDependencies reach and their other dependencies do not.
 */
export function parseBunLock(text: string, path: string): PackageDraft[] {
  const errors: JsoncError[] = [];
  const doc: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) throw new ParseError('bun.lock', path, `${printParseErrorCode(first.error)} at ${first.offset}`);
  if (!isRecord(doc) || !isRecord(doc['packages']))
    throw new ParseError('bun.lock', path, 'no `packages` object');
  const entries = new Map<string, { name: string; version: string; deps: Deps }>();
  for (const [key, value] of Object.entries(doc['packages'])) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') continue;
    const [name, ref] = splitNameSpec(value[0]);
    if (!name || !/^\d/.test(ref)) continue; // workspace:, link:, file:, git and github references
    const info = value.find((v, i) => i > 0 && isRecord(v)) as Record<string, unknown> | undefined;
    const deps = { ...strings(info?.['dependencies']), ...strings(info?.['optionalDependencies']) };
    entries.set(key, { name, version: ref, deps });
  }
  const dev = devKeys(doc['workspaces'], entries);
  return collapseDrafts(
    [...entries].map(([key, e]) => {
      const metadata: Record<string, string> = { path: key };
      if (dev.has(key)) metadata['dev'] = 'true';
      return { name: e.name, version: e.version, ecosystem: 'npm', scope: 'declared', metadata };
    }),
  );
}

function devKeys(workspaces: unknown, entries: Map<string, { deps: Deps }>): Set<string> {
  const edges = new Map<string, string[]>();
  for (const [key, e] of entries)
    edges.set(
      key,
      Object.keys(e.deps).flatMap((d) => resolve(entries, key, d) ?? []),
    );
  const prod: string[] = [];
  const dev: string[] = [];
  for (const ws of Object.values(isRecord(workspaces) ? workspaces : {})) {
    if (!isRecord(ws)) continue;
    const keys = (field: string): string[] =>
      Object.keys(strings(ws[field])).flatMap((d) => resolve(entries, '', d) ?? []);
    prod.push(...keys('dependencies'), ...keys('optionalDependencies'), ...keys('peerDependencies'));
    dev.push(...keys('devDependencies'));
  }
  return devOnlyNodes(edges, prod, dev);
}

/** Node's lookup: `from/name`, then each ancestor's `…/name`, then the top-level `name`. */
function resolve(entries: Map<string, unknown>, from: string, dep: string): string | undefined {
  const parts = installPath(from);
  for (let n = parts.length; n >= 0; n--) {
    const candidate = [...parts.slice(0, n), dep].join('/');
    if (entries.has(candidate)) return candidate;
  }
  return undefined;
}

/** `@types/node/undici-types` → ['@types/node', 'undici-types']. */
function installPath(key: string): string[] {
  const out: string[] = [];
  const segs = key === '' ? [] : key.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as string;
    out.push(s.startsWith('@') && i + 1 < segs.length ? `${s}/${segs[++i] as string}` : s);
  }
  return out;
}

function strings(v: unknown): Deps {
  const out: Deps = {};
  if (isRecord(v)) for (const [k, r] of Object.entries(v)) if (typeof r === 'string') out[k] = r;
  return out;
}
