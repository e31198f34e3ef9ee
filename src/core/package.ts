import type { Ecosystem, OsEcosystem } from './ecosystem.js';

/** The OS package that owns the files of a language package (Debian's python3-yaml owns PyYAML's dist-info). */
export interface OsOwner {
  ecosystem: OsEcosystem;
  name: string;
  version: string;
  sourceName?: string;
  sourceVersion?: string;
}

/**
 * One installed or declared package (DESIGN §3). `version` is the full version exactly as its package
 * manager writes it (deb `[epoch:]upstream[-revision]`, rpm `[epoch:]version-release`), so it can be
 * compared with the ecosystem's scheme without reassembly.
 */
export interface Package {
  /** Stable within an inventory: derived from foundBy, filePath, name and version. */
  id: string;
  name: string;
  version: string;
  ecosystem: Ecosystem;
  purl: string;
  epoch?: number;
  release?: string;
  arch?: string;
  /** Source package (deb Source:, rpm SOURCERPM name, apk origin): the key OS matching uses. */
  sourceName?: string;
  sourceVersion?: string;
  vendor?: string;
  licenses?: string[];
  /** The file that declared the package: a dpkg status file, a METADATA file, a lockfile, a jar (`a.war!/lib/b.jar`). */
  filePath: string;
  /** Digest of the image layer that introduced the package (images only). */
  layerDigest?: string;
  /** Name of the cataloger that found it. */
  foundBy: string;
  /** installed = on disk as installed; declared = only named by a manifest or lockfile. */
  scope: 'installed' | 'declared';
  /** Set when an OS package owns this language package's files: matched only through the distro's data. */
  osManagedBy?: OsOwner;
  /** Parser-specific facts (e.g. dev dependency, maven packaging) as plain strings. */
  metadata?: Record<string, string>;
}

/** What a parser returns: a package before the runner adds identity, purl and provenance. */
export type PackageDraft = Omit<
  Package,
  'id' | 'purl' | 'foundBy' | 'filePath' | 'layerDigest' | 'osManagedBy'
> & {
  /** Overrides the parsed file's path (nested archives: `app.war!/WEB-INF/lib/x.jar`). */
  filePath?: string;
  /** Extra purl qualifiers or namespace when the name alone cannot carry them. */
  purlNamespace?: string;
  /**
   * purl qualifiers that tell apart two entries of one file with the same name and version (a crate
   * from crates.io and the same crate from git: `vcs_url`); part of the package's identity.
   */
  purlQualifiers?: Record<string, string>;
};
