import type { PackageDraft } from '../../core/package.js';

const SOURCE_SECTIONS: Record<string, string> = { GEM: 'registry', PATH: 'path', GIT: 'git' };

/**
 * `Gemfile.lock`: the specs of the GEM, PATH and GIT sections (4-space `name (version[-platform])`
 * lines; 6-space lines are their dependencies). RubyGems versions never contain `-`, so the first `-`
 * starts the platform, as in Bundler's own lockfile parser. A gem locked for several platforms is one
 * package; its platforms are listed in metadata.
 */
export function parseGemfileLock(text: string): PackageDraft[] {
  const byKey = new Map<string, PackageDraft>();
  let kind: string | undefined;
  let remote: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\S/.test(line)) {
      kind = SOURCE_SECTIONS[line.trim()];
      remote = undefined;
      continue;
    }
    if (!kind) continue;
    const r = /^ {2}remote: (.+)$/.exec(line);
    if (r) remote = r[1];
    const m = /^ {4}([^ ]+) \(([^-)]*)(?:-([^)]*))?\)$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    add(byKey, m[1], m[2], m[3], kind, remote);
  }
  return [...byKey.values()];
}

function add(
  byKey: Map<string, PackageDraft>,
  name: string,
  version: string,
  platform: string | undefined,
  kind: string,
  remote: string | undefined,
): void {
  const key = `${name}@${version}`;
  const existing = byKey.get(key);
  if (existing) {
    if (platform && existing.metadata) {
      const list = existing.metadata['platforms'];
      existing.metadata['platforms'] = list ? `${list},${platform}` : platform;
    }
    return;
  }
  const metadata: Record<string, string> = { sourceKind: kind };
  if (remote) metadata['remote'] = remote;
  if (platform) metadata['platforms'] = platform;
  byKey.set(key, { name, version, ecosystem: 'gem', scope: 'declared', metadata });
}
