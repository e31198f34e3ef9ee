import { parse as parseYaml } from 'yaml';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';

/**
 * `Podfile.lock` (CocoaPods): `PODS` lists `Name (1.2.3)` or `Name/Subspec (1.2.3)` entries, each a
 * string or a one-key mapping to its dependencies. A subspec is part of its pod, so a pod is listed once
 * per version with its subspecs in metadata. `EXTERNAL SOURCES` (git, path) are noted in metadata.
 */
export function parsePodfileLock(text: string, path: string): PackageDraft[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ParseError('Podfile.lock', path, (err as Error).message);
  }
  if (!isRecord(doc) || !Array.isArray(doc['PODS']))
    throw new ParseError('Podfile.lock', path, 'no PODS list');
  const external = isRecord(doc['EXTERNAL SOURCES']) ? doc['EXTERNAL SOURCES'] : {};
  const pods = new Map<string, { name: string; version: string; subspecs: Set<string> }>();
  for (const item of doc['PODS'] as unknown[]) {
    const spec = typeof item === 'string' ? item : isRecord(item) ? Object.keys(item)[0] : undefined;
    const m = spec === undefined ? null : /^(\S+) \(([^)]+)\)$/.exec(spec.trim());
    if (!m?.[1] || !m[2]) continue;
    const [pod = '', ...sub] = m[1].split('/');
    const id = `${pod}@${m[2]}`;
    const entry = pods.get(id) ?? { name: pod, version: m[2], subspecs: new Set<string>() };
    if (sub.length > 0) entry.subspecs.add(sub.join('/'));
    pods.set(id, entry);
  }
  return [...pods.values()].map((p) => {
    const metadata: Record<string, string> = {};
    if (p.subspecs.size > 0) metadata['subspecs'] = [...p.subspecs].sort().join(',');
    if (p.name in external) metadata['externalSource'] = 'true';
    return { name: p.name, version: p.version, ecosystem: 'cocoapods', scope: 'declared', metadata };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
