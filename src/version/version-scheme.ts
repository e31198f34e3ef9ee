/** Names of the version orderings vigil knows; each lives in its own folder under src/version/. */
export type VersionSchemeName =
  'deb' | 'rpm' | 'apk' | 'semver' | 'pep440' | 'maven' | 'go' | 'gem' | 'nuget' | 'composer';

/**
 * One version ordering. Every implementation passes the same contract suite
 * (src/version/version-scheme.contract.ts) and, where a real tool exists, is checked against it.
 */
export interface VersionScheme {
  readonly name: VersionSchemeName;
  /** True when `version` is well-formed in this scheme. */
  isValid(version: string): boolean;
  /** Negative, zero or positive as a orders before, equal to, or after b. Throws VersionInvalidError. */
  compare(a: string, b: string): number;
}
