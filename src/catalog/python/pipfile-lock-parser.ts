import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { normalizePythonName } from '../../core/pep503-name.js';

/**
 * Pipfile.lock (pipenv): `default` and `develop` map names to `{"version": "==X"}`. Entries without a
 * pinned version (git, path, editable) name no release and are left out. A package in both sections is
 * a production dependency.
 */
export function parsePipfileLock(text: string, path: string): PackageDraft[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError('Pipfile.lock', path, (err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null) throw new ParseError('Pipfile.lock', path, 'not an object');
  const byName = new Map<string, PackageDraft>();
  for (const section of ['default', 'develop'] as const) {
    const deps = (doc as Record<string, unknown>)[section];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [rawName, entry] of Object.entries(deps as Record<string, unknown>)) {
      const spec = (entry as Record<string, unknown> | null)?.['version'];
      if (typeof spec !== 'string' || !/^===?[^=*]/.test(spec) || spec.includes('*')) continue;
      const name = normalizePythonName(rawName);
      const version = spec.replace(/^===?/, '').trim();
      if (byName.has(`${name}@${version}`)) continue;
      byName.set(`${name}@${version}`, {
        name,
        version,
        ecosystem: 'pypi',
        scope: 'declared',
        metadata: section === 'develop' ? { dev: 'true' } : {},
      });
    }
  }
  return [...byName.values()];
}
