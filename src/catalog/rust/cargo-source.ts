/** Where a crate came from, by Cargo's source id prefix (`registry+`, `sparse+`, `git+`, none = path). */
export type CargoSourceKind = 'registry' | 'git' | 'path' | 'other';

export function cargoSourceKind(source: string | undefined): CargoSourceKind {
  if (!source) return 'path';
  if (source.startsWith('registry+') || source.startsWith('sparse+')) return 'registry';
  if (source.startsWith('git+')) return 'git';
  return 'other';
}

const CRATES_IO = new Set([
  'registry+https://github.com/rust-lang/crates.io-index',
  'sparse+https://index.crates.io/',
]);

/** purl qualifiers for a crate not from crates.io: `vcs_url` for git, `repository_url` for another registry. */
export function sourceQualifiers(source: string | undefined): Record<string, string> | undefined {
  if (!source || CRATES_IO.has(source)) return undefined;
  const kind = cargoSourceKind(source);
  if (kind === 'git') return { vcs_url: source };
  if (kind === 'registry') return { repository_url: source.replace(/^(registry|sparse)\+/, '') };
  return undefined;
}
