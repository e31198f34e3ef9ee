import type { PackageDraft } from '../../core/package.js';

interface ComposerPackage {
  name?: unknown;
  version?: unknown;
  type?: unknown;
  license?: unknown;
  source?: { reference?: unknown };
}

/**
 * `composer.lock`: `packages` and `packages-dev`, versions exactly as Composer wrote them (`v5.4.16`,
 * `1.2.3`, `dev-main`: the Composer version scheme reads all of them).
 */
export function parseComposerLock(text: string): PackageDraft[] {
  const doc = JSON.parse(text) as { packages?: unknown; 'packages-dev'?: unknown };
  return [
    ...drafts(doc.packages, () => false, 'declared'),
    ...drafts(doc['packages-dev'], () => true, 'declared'),
  ];
}

/**
 * `vendor/composer/installed.json`: Composer 1 wrote a bare array, Composer 2 writes
 * `{ packages, dev, dev-package-names }`; dev packages are known only from that list.
 */
export function parseComposerInstalled(text: string): PackageDraft[] {
  const doc = JSON.parse(text) as unknown;
  if (Array.isArray(doc)) return drafts(doc, () => false, 'installed');
  const v2 = doc as { packages?: unknown; 'dev-package-names'?: unknown };
  const devNames = new Set(
    Array.isArray(v2['dev-package-names']) ? (v2['dev-package-names'] as unknown[]) : [],
  );
  return drafts(v2.packages, (name) => devNames.has(name), 'installed');
}

function drafts(
  list: unknown,
  isDev: (name: string) => boolean,
  scope: PackageDraft['scope'],
): PackageDraft[] {
  if (!Array.isArray(list)) return [];
  const out: PackageDraft[] = [];
  for (const p of list as ComposerPackage[]) {
    if (typeof p.name !== 'string' || typeof p.version !== 'string') continue;
    const metadata: Record<string, string> = {};
    if (isDev(p.name)) metadata['dev'] = 'true';
    if (typeof p.type === 'string') metadata['type'] = p.type;
    if (typeof p.source?.reference === 'string') metadata['reference'] = p.source.reference;
    const draft: PackageDraft = { name: p.name, version: p.version, ecosystem: 'composer', scope, metadata };
    const licenses = Array.isArray(p.license)
      ? p.license.filter((l): l is string => typeof l === 'string')
      : [];
    if (licenses.length > 0) draft.licenses = licenses;
    out.push(draft);
  }
  return out;
}
