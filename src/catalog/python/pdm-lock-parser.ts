import { parse as parseToml } from 'smol-toml';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { normalizePythonName } from '../../core/pep503-name.js';

/**
 * pdm.lock: `[metadata]` (lock_version, the groups locked) and one `[[package]]` per distribution;
 * since lock_version 4.4 each package lists the `groups` that need it, so one outside "default" is dev.
 * An entry per extra (`extras = ["socks"]`) repeats name and version and is the same package.
 */
export function parsePdmLock(text: string, path: string): PackageDraft[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    throw new ParseError('pdm.lock', path, (err as Error).message);
  }
  const meta = doc['metadata'];
  if (typeof meta !== 'object' || meta === null)
    throw new ParseError('pdm.lock', path, 'no [metadata] table');
  const seen = new Map<string, PackageDraft>();
  for (const p of Array.isArray(doc['package']) ? (doc['package'] as unknown[]) : []) {
    if (typeof p !== 'object' || p === null) continue;
    const t = p as Record<string, unknown>;
    if (typeof t['name'] !== 'string' || typeof t['version'] !== 'string') continue;
    const name = normalizePythonName(t['name']);
    const groups = Array.isArray(t['groups']) ? (t['groups'] as unknown[]).map(String) : undefined;
    const metadata: Record<string, string> = {};
    if (groups) metadata['groups'] = groups.join(',');
    if (groups && !groups.includes('default')) metadata['dev'] = 'true';
    for (const k of ['git', 'url', 'path'] as const) if (typeof t[k] === 'string') metadata['sourceType'] = k;
    if (!seen.has(`${name}@${t['version']}`))
      seen.set(`${name}@${t['version']}`, {
        name,
        version: t['version'],
        ecosystem: 'pypi',
        scope: 'declared',
        metadata,
      });
  }
  return [...seen.values()];
}
