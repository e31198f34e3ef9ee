import parseSpdxExpression from 'spdx-expression-parse';

/**
 * SPDX 2.3 identifiers: `SPDXRef-` then only letters, digits, `.` and `-` (spec clause 3.2). Every other
 * character becomes `-`, so the id stays readable; uniqueness comes from the caller's suffix.
 */
export function spdxRef(...parts: string[]): string {
  return 'SPDXRef-' + parts.map(sanitize).join('-');
}

function sanitize(s: string): string {
  const out = s.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return out.length > 0 ? out : 'x';
}

export interface ExtractedLicense {
  licenseId: string;
  extractedText: string;
  name: string;
}

/**
 * Declared licenses as one SPDX expression. Strings that are not valid expressions (free text from
 * metadata, "GPL", "BSD-like") become `LicenseRef-` entries whose text is kept in `extracted`, as the
 * spec requires for every LicenseRef a document uses.
 */
export function spdxLicenseExpression(
  names: readonly string[],
  extracted: Map<string, ExtractedLicense>,
): string {
  if (names.length === 0) return 'NOASSERTION';
  const terms = names.map((n) => (isExpression(n) ? n : licenseRef(n, extracted)));
  return terms.length === 1 ? (terms[0] as string) : terms.map((t) => `(${t})`).join(' AND ');
}

function isExpression(s: string): boolean {
  try {
    parseSpdxExpression(s);
    return true;
  } catch {
    return false;
  }
}

function licenseRef(text: string, extracted: Map<string, ExtractedLicense>): string {
  const existing = extracted.get(text);
  if (existing) return existing.licenseId;
  const id = `LicenseRef-${sanitize(text).slice(0, 60)}-${extracted.size + 1}`;
  extracted.set(text, { licenseId: id, extractedText: text, name: text });
  return id;
}
