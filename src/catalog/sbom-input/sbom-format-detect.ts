/** Which SBOM format a parsed JSON document is; undefined when vigil does not read it. */
export type SbomFormat = 'cyclonedx' | 'spdx';

export interface DetectedFormat {
  format: SbomFormat;
  version: string;
}

/** CycloneDX JSON exists from 1.2; 1.2–1.6 share the component/purl shape vigil reads. */
const CYCLONEDX_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6']);
/** SPDX 2.2 and 2.3 JSON name purls the same way (externalRefs, referenceType purl). */
const SPDX_VERSIONS = new Set(['SPDX-2.2', 'SPDX-2.3']);

/** A version string as the document spells it, when it looks like one; never the document's raw bytes. */
function shown(v: string): string {
  return /^[A-Za-z0-9.-]{1,20}$/.test(v) ? `"${v}"` : '(not a version string)';
}

export function detectSbomFormat(doc: unknown): DetectedFormat | { error: string } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { error: 'not a JSON object' };
  const d = doc as Record<string, unknown>;
  if (d['bomFormat'] === 'CycloneDX') {
    const v = typeof d['specVersion'] === 'string' ? d['specVersion'] : '';
    return CYCLONEDX_VERSIONS.has(v)
      ? { format: 'cyclonedx', version: v }
      : { error: `CycloneDX specVersion ${shown(v)} is not supported (1.2–1.6)` };
  }
  if (typeof d['spdxVersion'] === 'string') {
    const v = d['spdxVersion'];
    return SPDX_VERSIONS.has(v)
      ? { format: 'spdx', version: v }
      : { error: `spdxVersion ${shown(v)} is not supported (SPDX-2.2, SPDX-2.3)` };
  }
  if ('@context' in d && '@graph' in d) return { error: 'SPDX 3 JSON-LD is not supported' };
  return { error: 'neither CycloneDX JSON nor SPDX JSON' };
}
