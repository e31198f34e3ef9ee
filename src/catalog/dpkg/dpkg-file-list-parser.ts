/**
 * Pure parsers for the files dpkg keeps about what a package installed. Paths are returned absolute,
 * as the package manager wrote them; the catalog runner resolves merged-/usr aliases itself.
 */

/** `info/<pkg>.list`: one absolute path per line, directories included; `/.` is the root itself. */
export function parseDpkgFileList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('/') || line === '/.') continue;
    out.push(line);
  }
  return out;
}

/** distroless `status.d/<pkg>.md5sums` (and `info/<pkg>.md5sums`): `<md5>  <path without leading slash>`. */
export function parseMd5sums(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]{32} [ *]?(.+?)\r?$/.exec(line);
    if (m?.[1]) out.push(m[1].startsWith('/') ? m[1] : `/${m[1]}`);
  }
  return out;
}
