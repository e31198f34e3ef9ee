import { parse as parseToml } from 'smol-toml';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { normalizePythonName } from '../../core/pep503-name.js';

/**
 * poetry.lock: one `[[package]]` table per locked distribution. Dev packages are marked by
 * `category = "dev"` (lock format 1.x) or, since poetry 1.5/2.x, by `groups` without "main".
 */
export function parsePoetryLock(text: string, path: string): PackageDraft[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    throw new ParseError('poetry.lock', path, (err as Error).message);
  }
  const list = Array.isArray(doc['package']) ? (doc['package'] as unknown[]) : [];
  const out: PackageDraft[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const p = item as Record<string, unknown>;
    if (typeof p['name'] !== 'string' || typeof p['version'] !== 'string') continue;
    const metadata: Record<string, string> = {};
    const groups = Array.isArray(p['groups']) ? (p['groups'] as unknown[]).map(String) : undefined;
    if (p['category'] === 'dev' || (groups && !groups.includes('main'))) metadata['dev'] = 'true';
    if (groups) metadata['groups'] = groups.join(',');
    if (p['optional'] === true) metadata['optional'] = 'true';
    const source = p['source'] as Record<string, unknown> | undefined;
    if (source && typeof source['type'] === 'string') metadata['sourceType'] = source['type'];
    out.push({
      name: normalizePythonName(p['name']),
      version: p['version'],
      ecosystem: 'pypi',
      scope: 'declared',
      metadata,
    });
  }
  return out;
}
