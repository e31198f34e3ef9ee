import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/** A Debian version split as dpkg splits it: `[epoch:]upstream[-revision]`. */
export interface DebVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

// dpkg caps epochs at INT_MAX; larger ones are rejected rather than compared by overflowed numbers.
const MAX_EPOCH = 2_147_483_647;
const UPSTREAM_CHARS = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]+$/;

/** Parses like dpkg's parseversion, treating its warnings (bad characters, no leading digit) as errors. */
export function parseDebVersion(version: string): DebVersion | string {
  if (version.length === 0) return 'empty';
  const colon = version.indexOf(':');
  let epoch = 0;
  let rest = version;
  if (colon >= 0) {
    const epochText = version.slice(0, colon);
    if (!/^[0-9]+$/.test(epochText)) return 'epoch is not a number';
    epoch = Number(epochText);
    if (epoch > MAX_EPOCH) return 'epoch too large';
    rest = version.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (upstream.length === 0) return 'upstream version is empty';
  if (!UPSTREAM_CHARS.test(upstream)) return 'upstream version has an invalid character or no leading digit';
  if (dash >= 0 && !REVISION_CHARS.test(revision)) return 'revision is empty or has an invalid character';
  return { epoch, upstream, revision };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

// dpkg's order(): end of string and digits weigh 0, '~' sorts before everything, letters before
// other characters (which are pushed past the letters by +256).
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** dpkg's verrevcmp: alternating non-digit and digit runs; digit runs compare as numbers. */
export function compareDebFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDiff = 0;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function mustParse(version: string): DebVersion {
  const parsed = parseDebVersion(version);
  if (typeof parsed === 'string') throw new VersionInvalidError('deb', version, parsed);
  return parsed;
}

export function compareDebVersions(a: string, b: string): number {
  const va = mustParse(a);
  const vb = mustParse(b);
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  return Math.sign(
    compareDebFragment(va.upstream, vb.upstream) || compareDebFragment(va.revision, vb.revision),
  );
}

export const debVersionScheme: VersionScheme = {
  name: 'deb',
  isValid: (version) => typeof parseDebVersion(version) !== 'string',
  compare: compareDebVersions,
};
