import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { normalizePythonName } from '../../core/pep503-name.js';

/**
 * Core metadata (METADATA of a wheel install, PKG-INFO of an egg-info) is an RFC 822-style header
 * block; the body after the first blank line is the description and is not read. Continuation lines
 * start with whitespace. A repeated header keeps its first value: the fields read here occur once.
 */
export function parseCoreMetadataHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (last !== undefined) headers.set(last, `${headers.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    last = undefined;
    if (headers.has(key)) continue;
    headers.set(key, line.slice(colon + 1).trim());
    last = key;
  }
  return headers;
}

/**
 * An installed distribution; the name is PEP 503 normalized, the version kept as written. Metadata
 * without a Name is not a distribution (nothing to say); with a Name and no Version it is one that
 * cannot be matched, which the caller reports.
 */
export function parseInstalledDistribution(
  text: string,
  path: string,
): { draft: PackageDraft } | { problem?: string } {
  if (text.includes('\0')) throw new ParseError('python metadata', path, 'binary content');
  const h = parseCoreMetadataHeaders(text);
  const name = h.get('name');
  const version = h.get('version');
  if (!name) return {};
  if (!version) return { problem: `distribution ${name} has no Version` };
  const draft: PackageDraft = {
    name: normalizePythonName(name),
    version,
    ecosystem: 'pypi',
    scope: 'installed',
    metadata: { name },
  };
  const license = licenseOf(h);
  if (license) draft.licenses = [license];
  return { draft };
}

/** License-Expression (metadata 2.4) wins; a free-text License is kept only when it is a short name. */
function licenseOf(h: Map<string, string>): string | undefined {
  const expr = h.get('license-expression');
  if (expr) return expr;
  const lic = h.get('license');
  if (lic && lic !== 'UNKNOWN' && !lic.includes('\n') && lic.length <= 80) return lic;
  return undefined;
}
