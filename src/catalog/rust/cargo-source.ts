/** Where a crate came from, by Cargo's source id prefix (`registry+`, `sparse+`, `git+`, none = path). */
export type CargoSourceKind = 'registry' | 'git' | 'path' | 'other';

export function cargoSourceKind(source: string | undefined): CargoSourceKind {
  if (!source) return 'path';
  if (source.startsWith('registry+') || source.startsWith('sparse+')) return 'registry';
  if (source.startsWith('git+')) return 'git';
  return 'other';
}
