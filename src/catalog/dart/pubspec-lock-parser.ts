import { parse as parseYaml } from 'yaml';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';

/**
 * `pubspec.lock` (Dart/Flutter): `packages.<name>` with `version`, `source` (hosted, git, path, sdk)
 * and `dependency` (`direct main`, `direct dev`, `direct overridden`, `transitive`). SDK packages
 * (flutter, flutter_test) come with the SDK, not from pub.dev, and are not listed. Only direct dev
 * dependencies can be flagged dev: the lockfile has no graph to follow.
 */
export function parsePubspecLock(text: string, path: string): PackageDraft[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ParseError('pubspec.lock', path, (err as Error).message);
  }
  const packages = record(record(doc)['packages']);
  if (!('packages' in record(doc))) throw new ParseError('pubspec.lock', path, 'no `packages` mapping');
  const out: PackageDraft[] = [];
  for (const [name, value] of Object.entries(packages)) {
    const p = record(value);
    const version = p['version'];
    const source = typeof p['source'] === 'string' ? p['source'] : 'hosted';
    if (typeof version !== 'string' || source === 'sdk') continue;
    const metadata: Record<string, string> = { source };
    if (typeof p['dependency'] === 'string') metadata['dependency'] = p['dependency'];
    if (p['dependency'] === 'direct dev') metadata['dev'] = 'true';
    out.push({ name, version, ecosystem: 'pub', scope: 'declared', metadata });
  }
  return out;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
