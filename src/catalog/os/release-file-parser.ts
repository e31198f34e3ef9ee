/**
 * Pure parsers for the distribution files older or minimal systems carry instead of (or beside)
 * os-release: `/etc/debian_version`, `/etc/alpine-release`, `/etc/redhat-release`, `/etc/system-release`.
 */

/** `12.4` on a stable release; `trixie/sid` on testing and unstable (which have no number yet). */
export function parseDebianVersion(text: string): { version?: string; codename?: string } | undefined {
  const line = firstLine(text);
  if (/^\d+(\.\d+)*$/.test(line)) return { version: line };
  const m = /^([a-z]+)\/sid$/.exec(line);
  if (m?.[1]) return { codename: m[1] };
  if (line === 'sid' || line === 'unstable') return { codename: 'sid' };
  return undefined;
}

/** `3.19.1`, or `3.20.0_alpha20240329` on edge. */
export function parseAlpineRelease(text: string): string | undefined {
  const line = firstLine(text);
  return /^\d+\.\d+[\w.]*$/.test(line) ? line : undefined;
}

/** Vendor names as written in `/etc/redhat-release` and `/etc/system-release`, to os-release IDs. */
const RH_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^red hat enterprise linux/i, 'rhel'],
  [/^centos/i, 'centos'],
  [/^rocky linux/i, 'rocky'],
  [/^almalinux/i, 'almalinux'],
  [/^oracle linux/i, 'ol'],
  [/^fedora/i, 'fedora'],
  [/^amazon linux/i, 'amzn'],
  [/^cbl-mariner/i, 'mariner'],
];

/** `CentOS Linux release 7.9.2009 (Core)`, `Amazon Linux AMI release 2018.03`, `Fedora release 39 (Thirty Nine)`. */
export function parseRedhatRelease(
  text: string,
): { id: string; versionId: string; prettyName: string; codename?: string } | undefined {
  const line = firstLine(text);
  const m = /^(.+?)\s+release\s+(\d[\w.]*)(?:\s+\(([^)]+)\))?/i.exec(line);
  if (!m?.[1] || !m[2]) return undefined;
  const id = RH_NAMES.find(([re]) => re.test(m[1] as string))?.[1];
  if (!id) return undefined;
  return { id, versionId: m[2], prettyName: line, ...(m[3] ? { codename: m[3] } : {}) };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
