import { sbomOs } from './purl-package.js';
import { collectPurl, type SbomContents } from './sbom-collector.js';

export const SPDX_FOUND_BY = 'sbom-spdx';

type Json = Record<string, unknown>;

/** SPDX 2.2/2.3 JSON: packages' externalRefs of referenceType purl; OS from an OPERATING-SYSTEM package. */
export function readSpdx(doc: Json, path: string): SbomContents {
  const out: SbomContents = { packages: [], unknowns: [] };
  const seen = new Set<string>();
  const packages = Array.isArray(doc['packages']) ? (doc['packages'] as unknown[]) : [];
  for (const p of packages) {
    if (!isObject(p)) continue;
    if (p['primaryPackagePurpose'] === 'OPERATING-SYSTEM') {
      const id = typeof p['name'] === 'string' ? p['name'].trim().toLowerCase() : '';
      const v = typeof p['versionInfo'] === 'string' && p['versionInfo'] ? p['versionInfo'] : undefined;
      if (id && !out.os)
        out.os = sbomOs({ id, ...(v ? { versionId: v } : {}) }, 'SPDX OPERATING-SYSTEM package');
      continue;
    }
    const refs = Array.isArray(p['externalRefs']) ? (p['externalRefs'] as unknown[]) : [];
    for (const r of refs) {
      if (!isObject(r) || r['referenceType'] !== 'purl' || typeof r['referenceLocator'] !== 'string')
        continue;
      collectPurl(out, seen, r['referenceLocator'], path, SPDX_FOUND_BY);
    }
  }
  return out;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
