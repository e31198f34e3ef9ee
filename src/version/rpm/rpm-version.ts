import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/** An RPM EVR split as rpm's parseEVR splits it; `release` is undefined when the string has none. */
export interface RpmVersion {
  readonly epoch: string;
  readonly version: string;
  readonly release: string | undefined;
}

// The characters rpmbuild accepts in Version and Release (its `%{}` macro characters excluded: an
// unexpanded macro is not a version).
const FIELD = /^[A-Za-z0-9._+~^]+$/;

/** `[epoch:]version[-release]`, release after the last '-', as rpm's parseEVR splits. */
export function parseRpmVersion(evr: string): RpmVersion | string {
  const m = /^(?:([0-9]*):)?(.*)$/s.exec(evr);
  const rest = m?.[2] ?? '';
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : undefined;
  if (!FIELD.test(version)) return 'version is empty or has a character rpm does not allow';
  if (release !== undefined && !FIELD.test(release))
    return 'release is empty or has a character rpm does not allow';
  return { epoch: m?.[1] || '0', version, release };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSeparator(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return i < s.length && !isDigit(c) && !isAlpha(c) && c !== 126 && c !== 94;
}

function runEnd(s: string, i: number, pred: (c: number) => boolean): number {
  let k = i;
  while (k < s.length && pred(s.charCodeAt(k))) k++;
  return k;
}

function compareSegment(a: string, b: string, numeric: boolean): number {
  if (numeric) {
    const x = a.replace(/^0+/, '');
    const y = b.replace(/^0+/, '');
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** rpm's rpmvercmp (rpm ≥ 4.15): '~' sorts before everything, '^' after the end but before more. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (isSeparator(a, i)) i++;
    while (isSeparator(b, j)) j++;
    const ca = i < a.length ? a[i] : '';
    const cb = j < b.length ? b[j] : '';
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '^' || cb === '^') {
      if (ca === '') return -1;
      if (cb === '') return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '' || cb === '') break;
    const numeric = isDigit(a.charCodeAt(i));
    const pred = numeric ? isDigit : isAlpha;
    const ei = runEnd(a, i, pred);
    const ej = runEnd(b, j, pred);
    // Segments of different types: numbers are newer than letters.
    if (ej === j) return numeric ? 1 : -1;
    const rc = compareSegment(a.slice(i, ei), b.slice(j, ej), numeric);
    if (rc !== 0) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function mustParse(evr: string): RpmVersion {
  const parsed = parseRpmVersion(evr);
  if (typeof parsed === 'string') throw new VersionInvalidError('rpm', evr, parsed);
  return parsed;
}

/**
 * EVR order as rpm ≥ 4.16's rpmverCmp (what Lua `rpm.vercmp` uses): epoch, version, then release, where
 * a missing release sorts before any release. That keeps the order total; rpm's dependency matching,
 * which treats a missing release as a wildcard, is a range question for the matchers.
 */
export function compareRpmVersions(a: string, b: string): number {
  const va = mustParse(a);
  const vb = mustParse(b);
  const byEpoch = rpmvercmp(va.epoch, vb.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(va.version, vb.version);
  if (byVersion !== 0) return byVersion;
  if (va.release === undefined || vb.release === undefined) {
    return (va.release === undefined ? 0 : 1) - (vb.release === undefined ? 0 : 1);
  }
  return rpmvercmp(va.release, vb.release);
}

export const rpmVersionScheme: VersionScheme = {
  name: 'rpm',
  isValid: (version) => typeof parseRpmVersion(version) !== 'string',
  compare: compareRpmVersions,
};
