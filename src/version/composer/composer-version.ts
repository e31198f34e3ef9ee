import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/*
 * Composer (composer/semver): VersionParser::normalize turns a version into four numeric parts plus a
 * stability (1.2 → 1.2.0.0, v2.0-rc1 → 2.0.0.0-RC1, 1.x-dev → 1.9999999.9999999.9999999-dev); the
 * Comparator then orders normalized versions with PHP's version_compare. Branch versions (dev-main)
 * have no order in Composer (they match only themselves), so they are invalid here.
 */
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?';
const CLASSIC = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER.replace('*+', '*')}$`, 'i');
const DATED = new RegExp(
  `^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER.replace('*+', '*')}$`,
  'i',
);
const NUMERIC_BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

function expandStability(s: string): string {
  const l = s.toLowerCase();
  if (l === 'a') return 'alpha';
  if (l === 'b') return 'beta';
  if (l === 'p' || l === 'pl') return 'patch';
  if (l === 'rc') return 'RC';
  return l;
}

function withModifier(base: string, m: RegExpExecArray, index: number): string {
  let version = base;
  const stability = m[index];
  if (stability) {
    if (stability === 'stable') return version;
    version += `-${expandStability(stability)}${(m[index + 1] ?? '').replace(/^[.-]+/, '')}`;
  }
  if (m[index + 2]) version += '-dev';
  return version;
}

/** VersionParser::normalize for versions (not constraints); undefined when Composer would throw. */
export function normalizeComposerVersion(input: string): string | undefined {
  let version = input.trim();
  const stabilityFlag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (stabilityFlag) version = version.slice(0, version.length - stabilityFlag[0].length);
  if (/^(dev-|master$|trunk$|default$)/i.test(version)) return undefined;
  const build = /^([^,\s+]+)\+\S+$/.exec(version);
  if (build) version = build[1] ?? version;
  let m = CLASSIC.exec(version);
  if (m) return withModifier(`${m[1] ?? ''}${m[2] || '.0'}${m[3] || '.0'}${m[4] || '.0'}`, m, 5);
  m = DATED.exec(version);
  if (m) return withModifier((m[1] ?? '').replace(/\D/g, '.'), m, 2);
  const branch = /^(.*?)[.-]?dev$/i.exec(version);
  const numeric = branch ? NUMERIC_BRANCH.exec((branch[1] ?? '').trim()) : null;
  if (numeric) {
    const parts = [1, 2, 3, 4].map((i) => (numeric[i] ?? '.x').replace(/[*X]/g, 'x'));
    return `${parts.join('').replace(/x/g, '9999999')}-dev`;
  }
  return undefined;
}

// PHP's special version forms (ext/standard/versioning.c), matched by prefix in this order; a number
// met against a word counts as "#".
const SPECIAL_FORMS: readonly [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialForm(part: string): number {
  return SPECIAL_FORMS.find(([name]) => part.startsWith(name))?.[1] ?? -6;
}

/** php_canonicalize_version: separators to '.', and a '.' at every digit/non-digit boundary. */
function canonicalize(v: string): string[] {
  let out = v.slice(0, 1);
  const isDig = (c: string): boolean => c >= '0' && c <= '9';
  for (let i = 1; i < v.length; i++) {
    const c = v[i] ?? '';
    const lp = v[i - 1] ?? '';
    const dot = out.endsWith('.') ? '' : '.';
    if (c === '-' || c === '_' || c === '+') out += dot;
    else if (c !== '.' && lp !== '.' && isDig(lp) !== isDig(c)) out += dot + c;
    else if (!/[0-9A-Za-z]/.test(c)) out += dot;
    else out += c;
  }
  return out.split('.');
}

function comparePart(a: string, b: string): number {
  const ad = /^[0-9]/.test(a);
  const bd = /^[0-9]/.test(b);
  if (ad && bd) return Math.sign(parseInt(a, 10) - parseInt(b, 10));
  return Math.sign(specialForm(ad ? '#' : a) - specialForm(bd ? '#' : b));
}

/** PHP's version_compare on two canonical versions. */
export function phpVersionCompare(a: string, b: string): number {
  const pa = canonicalize(a);
  const pb = canonicalize(b);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = comparePart(pa[i] ?? '', pb[i] ?? '');
    if (c !== 0) return c;
  }
  const rest = pa.length > n ? pa[n] : pb.length > n ? pb[n] : undefined;
  if (rest === undefined) return 0;
  const sign = pa.length > n ? 1 : -1;
  return /^[0-9]/.test(rest) ? sign : sign * comparePart(rest, '#');
}

function mustNormalize(version: string): string {
  const n = normalizeComposerVersion(version);
  if (n === undefined) throw new VersionInvalidError('composer', version);
  return n;
}

export function compareComposerVersions(a: string, b: string): number {
  return phpVersionCompare(mustNormalize(a), mustNormalize(b));
}

export const composerVersionScheme: VersionScheme = {
  name: 'composer',
  isValid: (version) => normalizeComposerVersion(version) !== undefined,
  compare: compareComposerVersions,
};
