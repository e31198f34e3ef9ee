import type { PackageDraft } from '../../core/package.js';
import type { FileOwnership } from '../cataloger.js';
import { RPMTAG, type RpmHeader } from './rpm-header-parser.js';

export interface RpmInstalled {
  draft: PackageDraft;
  ownership?: FileOwnership;
}

/**
 * `gpg-pubkey` entries are the signing keys rpm imported, stored as pseudo-packages: `rpm -qa` lists
 * them, but they are not software and no advisory names them, so vigil leaves them out.
 */
export const PSEUDO_PACKAGES = new Set(['gpg-pubkey']);

/** Header → inventory entry; undefined for pseudo-packages and headers without NAME/VERSION/RELEASE. */
export function toRpmInstalled(h: RpmHeader): RpmInstalled | undefined {
  const name = h.string(RPMTAG.NAME);
  const version = h.string(RPMTAG.VERSION);
  const release = h.string(RPMTAG.RELEASE);
  if (!name || version === undefined || release === undefined || PSEUDO_PACKAGES.has(name)) return undefined;
  const epoch = h.int(RPMTAG.EPOCH);
  const full = `${epoch ? `${epoch}:` : ''}${version}-${release}`;
  const draft: PackageDraft = { name, version: full, release, ecosystem: 'rpm', scope: 'installed' };
  if (epoch !== undefined) draft.epoch = epoch;
  const arch = h.string(RPMTAG.ARCH);
  if (arch) draft.arch = arch;
  const vendor = h.string(RPMTAG.VENDOR);
  if (vendor) draft.vendor = vendor;
  const license = h.string(RPMTAG.LICENSE);
  if (license) draft.licenses = [license];
  const sourceRpm = h.string(RPMTAG.SOURCERPM);
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  if (sourceRpm) draft.metadata = { sourceRpm };
  if (source) {
    draft.sourceName = source.name;
    // The source rpm's file name has no epoch; its binaries share the spec's epoch.
    draft.sourceVersion = `${epoch ? `${epoch}:` : ''}${source.version}-${source.release}`;
  }
  const files = ownedFiles(h);
  if (files.length === 0) return { draft };
  const ownership: FileOwnership = { ecosystem: 'rpm', name, version: full, files };
  if (draft.sourceName) ownership.sourceName = draft.sourceName;
  if (draft.sourceVersion) ownership.sourceVersion = draft.sourceVersion;
  return { draft, ownership };
}

/** `util-linux-2.32.1-42.el8_8.src.rpm` → util-linux, 2.32.1, 42.el8_8 (name may contain dashes). */
export function parseSourceRpm(file: string): { name: string; version: string; release: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { name: m[1], version: m[2], release: m[3] };
}

/** Compressed file list (DIRNAMES + BASENAMES + DIRINDEXES), or OLDFILENAMES in rpm < 4.0 headers. */
function ownedFiles(h: RpmHeader): string[] {
  const basenames = h.strings(RPMTAG.BASENAMES);
  if (basenames.length === 0) return h.strings(RPMTAG.OLDFILENAMES);
  const dirnames = h.strings(RPMTAG.DIRNAMES);
  const indexes = h.ints(RPMTAG.DIRINDEXES);
  const out: string[] = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[indexes[i] ?? -1];
    if (dir !== undefined) out.push(`${dir}${basenames[i]}`);
  }
  return out;
}
