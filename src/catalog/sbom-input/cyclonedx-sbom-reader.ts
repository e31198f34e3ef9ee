import { appendAll } from '../../core/append-all.js';
import type { OsInfo } from '../../core/os-info.js';
import { sbomOs } from './purl-package.js';
import { collectPurl, type SbomContents } from './sbom-collector.js';

export const CYCLONEDX_FOUND_BY = 'sbom-cyclonedx';

type Json = Record<string, unknown>;

/**
 * CycloneDX 1.2–1.6 JSON: every component (nested `components` too) with a purl; the OS from
 * metadata.component or a component of type operating-system.
 */
export function readCycloneDx(doc: Json, path: string): SbomContents {
  const out: SbomContents = { packages: [], unknowns: [] };
  const seen = new Set<string>();
  const metadata = isObject(doc['metadata']) ? doc['metadata'] : {};
  // metadata.component is the SBOM's subject (the app, the image): an OS when it is one, never a package.
  if (isObject(metadata['component']) && metadata['component']['type'] === 'operating-system') {
    const os = osOfComponent(metadata['component']);
    if (os) out.os = os;
  }
  const stack: unknown[] = [];
  if (Array.isArray(doc['components'])) appendAll(stack, doc['components'] as unknown[]);
  let visited = 0;
  while (stack.length > 0) {
    const c = stack.pop();
    if (!isObject(c)) continue;
    if (++visited > 5_000_000) break;
    if (c['type'] === 'operating-system') {
      const os = out.os ? undefined : osOfComponent(c);
      if (os) out.os = os;
    } else if (typeof c['purl'] === 'string' && c['purl'] !== '') {
      collectPurl(out, seen, c['purl'], path, CYCLONEDX_FOUND_BY);
    }
    if (Array.isArray(c['components'])) appendAll(stack, c['components'] as unknown[]);
  }
  return out;
}

function osOfComponent(c: Json): OsInfo | undefined {
  const id = typeof c['name'] === 'string' ? c['name'].trim().toLowerCase() : '';
  if (!id) return undefined;
  const version = typeof c['version'] === 'string' && c['version'] ? c['version'] : undefined;
  const description = typeof c['description'] === 'string' ? c['description'] : undefined;
  return sbomOs(
    { id, ...(version ? { versionId: version } : {}), ...(description ? { prettyName: description } : {}) },
    'CycloneDX operating-system component',
  );
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
