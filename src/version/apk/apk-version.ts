import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/*
 * Alpine's version ordering as apk-tools ≥ 2.12 implements it (src/version.c):
 *   digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}
 * Versions are read token by token; tokens of the same kind compare by value, and when one version
 * runs out (or changes kind) first, the longer one is newer unless it continues with a pre-release
 * suffix (_alpha, _beta, _pre, _rc).
 */
enum Kind {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
  Invalid,
}

// Suffix ranks: pre-releases below NONE (the release itself), post-releases above.
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

interface Token {
  readonly kind: Kind;
  /** The token's text: digits, the letter, the suffix name or the hash. */
  readonly text: string;
}

/** Splits a version into apk's tokens; the last one is End or Invalid. */
export function apkTokens(version: string): Token[] {
  const tokens: Token[] = [];
  const initial = /^[0-9]+/.exec(version)?.[0];
  if (initial === undefined) return [{ kind: Kind.Invalid, text: version }];
  tokens.push({ kind: Kind.InitialDigit, text: initial });
  let pos = initial.length;
  let prev = Kind.InitialDigit;
  const take = (re: RegExp): string => {
    const m = re.exec(version.slice(pos))?.[0] ?? '';
    pos += m.length;
    return m;
  };
  while (pos < version.length) {
    const c = version[pos] ?? '';
    let kind = Kind.Invalid;
    let text = '';
    if (c >= 'a' && c <= 'z' && prev <= Kind.Digit) {
      kind = Kind.Letter;
      text = c;
      pos++;
    } else if ((c === '.' && prev <= Kind.Digit) || (c >= '0' && c <= '9' && prev === Kind.Suffix)) {
      if (c === '.') pos++;
      text = take(/^[0-9]+/);
      kind = text === '' ? Kind.Invalid : c === '.' ? Kind.Digit : Kind.SuffixNo;
    } else if (c === '_' && prev <= Kind.SuffixNo) {
      pos++;
      text = take(/^[a-z]+/);
      kind = SUFFIX_RANK[text] === undefined ? Kind.Invalid : Kind.Suffix;
    } else if (c === '~' && prev < Kind.CommitHash) {
      pos++;
      text = take(/^[0-9a-f]+/);
      kind = text === '' ? Kind.Invalid : Kind.CommitHash;
    } else if (c === '-' && prev < Kind.RevisionNo && version[pos + 1] === 'r') {
      pos += 2;
      text = take(/^[0-9]+/);
      kind = text === '' ? Kind.Invalid : Kind.RevisionNo;
    }
    tokens.push({ kind, text });
    if (kind === Kind.Invalid) return tokens;
    prev = kind;
  }
  tokens.push({ kind: Kind.End, text: '' });
  return tokens;
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length !== y.length ? cmp(x.length, y.length) : cmp(x, y);
}

/** Two tokens of the same kind. */
function compareToken(kind: Kind, a: string, b: string): number {
  switch (kind) {
    case Kind.Digit:
      // Gentoo's rule: a component with a leading zero compares as a string (1.01 < 1.1, 1.001 < 1.01).
      if (a.startsWith('0') || b.startsWith('0')) return cmp(a, b);
      return compareNumbers(a, b);
    case Kind.InitialDigit:
    case Kind.SuffixNo:
    case Kind.RevisionNo:
      return compareNumbers(a, b);
    case Kind.Suffix:
      return cmp(SUFFIX_RANK[a] ?? 0, SUFFIX_RANK[b] ?? 0);
    default:
      return cmp(a, b);
  }
}

export function isValidApkVersion(version: string): boolean {
  return apkTokens(version).at(-1)?.kind === Kind.End;
}

function isPreRelease(t: Token): boolean {
  return t.kind === Kind.Suffix && (SUFFIX_RANK[t.text] ?? SUFFIX_NONE) < SUFFIX_NONE;
}

function tokensOf(version: string): Token[] {
  const tokens = apkTokens(version);
  if (tokens.at(-1)?.kind !== Kind.End) throw new VersionInvalidError('apk', version);
  return tokens;
}

export function compareApkVersions(a: string, b: string): number {
  const ta = tokensOf(a);
  const tb = tokensOf(b);
  let i = 0;
  for (; ; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === undefined || y === undefined) return 0;
    if (x.kind !== y.kind) {
      if (isPreRelease(x)) return -1;
      if (isPreRelease(y)) return 1;
      return x.kind > y.kind ? -1 : 1;
    }
    if (x.kind === Kind.End) return 0;
    const c = compareToken(x.kind, x.text, y.text);
    if (c !== 0) return c;
  }
}

export const apkVersionScheme: VersionScheme = {
  name: 'apk',
  isValid: isValidApkVersion,
  compare: compareApkVersions,
};
