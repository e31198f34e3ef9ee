import { parse } from 'smol-toml';
import type { PackageDraft } from '../../core/package.js';
import { cargoSourceKind, sourceQualifiers } from './cargo-source.js';

interface LockPackage {
  name?: unknown;
  version?: unknown;
  source?: unknown;
  checksum?: unknown;
}

/**
 * `Cargo.lock`, every format version: v1 (no `version` key, checksums in `[metadata]`), v2 (checksums
 * inline), v3 and v4 (`version = 3|4`). Every `[[package]]` is listed; only registry crates can match
 * crates.io advisories, so path (workspace) and git crates say what they are in `metadata.sourceKind`.
 */
export function parseCargoLock(text: string): PackageDraft[] {
  const doc = parse(text) as { version?: unknown; package?: unknown; metadata?: unknown };
  const packages = Array.isArray(doc.package) ? (doc.package as LockPackage[]) : [];
  const v1Checksums =
    doc.metadata && typeof doc.metadata === 'object' ? (doc.metadata as Record<string, unknown>) : {};
  // No `version` key: v1 kept checksums in [metadata], v2 moved them inline.
  const hasV1Checksums = Object.keys(v1Checksums).some((k) => k.startsWith('checksum '));
  const format = typeof doc.version === 'number' ? String(doc.version) : hasV1Checksums ? '1' : '2';
  const out: PackageDraft[] = [];
  for (const p of packages) {
    if (typeof p.name !== 'string' || typeof p.version !== 'string') continue;
    const source = typeof p.source === 'string' ? p.source : undefined;
    const metadata: Record<string, string> = { sourceKind: cargoSourceKind(source), lockVersion: format };
    if (source) metadata['source'] = source;
    const checksum =
      typeof p.checksum === 'string'
        ? p.checksum
        : source
          ? v1Checksums[`checksum ${p.name} ${p.version} (${source})`]
          : undefined;
    if (typeof checksum === 'string') metadata['checksum'] = checksum;
    const draft: PackageDraft = {
      name: p.name,
      version: p.version,
      ecosystem: 'cargo',
      scope: 'declared',
      metadata,
    };
    // The same crate may come from crates.io and from git in one lock: both are kept, told apart here.
    const qualifiers = sourceQualifiers(source);
    if (qualifiers) draft.purlQualifiers = qualifiers;
    out.push(draft);
  }
  return out;
}
