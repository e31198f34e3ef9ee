import { inflateSync } from 'node:zlib';
import type { PackageDraft } from '../../core/package.js';

/** The JSON that cargo-auditable embeds, zlib-compressed, in the `.dep-v0` section. */
interface AuditPackage {
  name?: unknown;
  version?: unknown;
  source?: unknown;
  kind?: unknown;
  root?: unknown;
}

/** Real audit data is a few KiB; the limit stops a crafted section from inflating without end. */
const MAX_AUDIT_JSON = 16 * 1024 * 1024;

/**
 * Crates compiled into a binary, from cargo-auditable's dependency tree. `kind: "build"` crates ran at
 * build time only (build scripts, proc macros) and are not in the binary, so they are left out. The
 * source is `crates.io`, `registry`, `git`, `local` or `other` in this format.
 */
export function parseRustAuditData(compressed: Buffer): PackageDraft[] {
  const json = inflateSync(compressed, { maxOutputLength: MAX_AUDIT_JSON }).toString('utf8');
  const doc = JSON.parse(json) as { packages?: unknown };
  if (!Array.isArray(doc.packages)) return [];
  const out: PackageDraft[] = [];
  for (const p of doc.packages as AuditPackage[]) {
    if (typeof p.name !== 'string' || typeof p.version !== 'string') continue;
    if (p.kind === 'build') continue;
    const source = typeof p.source === 'string' ? p.source : 'crates.io';
    const metadata: Record<string, string> = { sourceKind: auditSourceKind(source), source };
    if (p.root === true) metadata['root'] = 'true';
    out.push({ name: p.name, version: p.version, ecosystem: 'cargo', scope: 'installed', metadata });
  }
  return out;
}

/** The same vocabulary as Cargo.lock packages (`registry`, `git`, `path`), so matchers read one field. */
function auditSourceKind(source: string): string {
  if (source === 'crates.io' || source === 'registry') return 'registry';
  if (source === 'local') return 'path';
  return source;
}
