import { PackageURL } from 'packageurl-js';

const parsed = new Map<string, PackageURL | null>();

function parse(purl: string): PackageURL | null {
  let p = parsed.get(purl);
  if (p === undefined) {
    try {
      p = PackageURL.fromString(purl);
    } catch {
      p = null;
    }
    if (parsed.size > 50_000) parsed.clear();
    parsed.set(purl, p);
  }
  return p;
}

/**
 * Whether a statement's purl names the subject's (a package's, an image's). The purl spec's rule for
 * VEX matching: type, namespace and name must be equal; a statement purl without a version names
 * every version; each qualifier (and the subpath) the statement gives must be the subject's too,
 * while qualifiers the statement leaves out are free.
 */
export function purlCovers(statementPurl: string, subjectPurl: string): boolean {
  const s = parse(statementPurl);
  const p = parse(subjectPurl);
  if (!s || !p) return false;
  if (s.type !== p.type || (s.namespace ?? '') !== (p.namespace ?? '') || s.name !== p.name) return false;
  if (s.version !== undefined && s.version !== null && s.version !== p.version) return false;
  if (s.subpath && s.subpath !== p.subpath) return false;
  for (const [k, v] of Object.entries(s.qualifiers ?? {})) if (p.qualifiers?.[k] !== v) return false;
  return true;
}
