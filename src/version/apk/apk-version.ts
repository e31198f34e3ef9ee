import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/*
 * apk-tools' version ordering (src/version.c): Gentoo-style `digit{.digit}[letter]{_suffix[n]}[-rN]`.
 * The tokenizer below mirrors its state machine: each token's value is compared in turn, and when one
 * version runs out first, the longer one is newer unless what follows is a pre-release suffix.
 */
const enum Token {
  Invalid = -1,
  DigitOrZero = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  RevisionNo = 5,
  End = 6,
}

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

class Cursor {
  pos = 0;
  type: Token = Token.Digit;
  constructor(readonly s: string) {}

  private isDigitAt(i: number): boolean {
    const c = this.s.charCodeAt(i);
    return c >= 48 && c <= 57;
  }

  private isLowerAt(i: number): boolean {
    const c = this.s.charCodeAt(i);
    return c >= 97 && c <= 122;
  }

  /** next_token(): classifies what follows the token just read, and rejects going backwards. */
  private advanceType(): void {
    let n = Token.Invalid;
    const prev = this.type;
    if (this.pos >= this.s.length) n = Token.End;
    else if ((prev === Token.Digit || prev === Token.DigitOrZero) && this.isLowerAt(this.pos))
      n = Token.Letter;
    else if (prev === Token.Letter && this.isDigitAt(this.pos)) n = Token.Digit;
    else if (prev === Token.Suffix && this.isDigitAt(this.pos)) n = Token.SuffixNo;
    else {
      const c = this.s[this.pos];
      if (c === '.') n = Token.DigitOrZero;
      else if (c === '_') n = Token.Suffix;
      else if (c === '-' && this.s[this.pos + 1] === 'r') {
        n = Token.RevisionNo;
        this.pos++;
      }
      this.pos++;
    }
    const allowedBack =
      (n === Token.DigitOrZero && prev === Token.Digit) ||
      (n === Token.Suffix && prev === Token.SuffixNo) ||
      (n === Token.Digit && prev === Token.Letter);
    this.type = n < prev && !allowedBack ? Token.Invalid : n;
  }

  private readNumber(): number {
    let v = 0;
    while (this.pos < this.s.length && this.isDigitAt(this.pos))
      v = v * 10 + (this.s.charCodeAt(this.pos++) - 48);
    return v;
  }

  private readSuffix(): { value: number; next: Token } | undefined {
    const rest = this.s.slice(this.pos);
    const pre = PRE_SUFFIXES.findIndex((p) => rest.startsWith(p));
    if (pre >= 0) {
      this.pos += PRE_SUFFIXES[pre]?.length ?? 0;
      return { value: pre - PRE_SUFFIXES.length, next: Token.SuffixNo };
    }
    const post = POST_SUFFIXES.findIndex((p) => rest.startsWith(p));
    if (post >= 0) {
      this.pos += POST_SUFFIXES[post]?.length ?? 0;
      return { value: post, next: Token.SuffixNo };
    }
    return undefined;
  }

  /** get_token(): the value of the current token; moves `type` to the following one. */
  next(): number {
    if (this.pos >= this.s.length) {
      this.type = Token.End;
      return 0;
    }
    let value: number;
    let next = Token.Invalid;
    switch (this.type) {
      case Token.DigitOrZero:
        if (this.s[this.pos] === '0') {
          // Leading zeros make a fraction-like component: more zeros sort lower (1.001 < 1.01 < 1.1).
          const start = this.pos;
          while (this.s[this.pos] === '0') this.pos++;
          value = start - this.pos;
          next = Token.Digit;
          break;
        }
        value = this.readNumber();
        break;
      case Token.Digit:
      case Token.SuffixNo:
      case Token.RevisionNo:
        value = this.readNumber();
        break;
      case Token.Letter:
        value = this.s.charCodeAt(this.pos++);
        break;
      case Token.Suffix: {
        const suffix = this.readSuffix();
        if (!suffix) {
          this.type = Token.Invalid;
          return -1;
        }
        value = suffix.value;
        next = suffix.next;
        break;
      }
      default:
        this.type = Token.Invalid;
        return -1;
    }
    if (this.pos >= this.s.length) this.type = Token.End;
    else if (next !== Token.Invalid) this.type = next;
    else this.advanceType();
    return value;
  }
}

export function isValidApkVersion(version: string): boolean {
  // apk-tools' tokenizer would read a missing leading number as 0; a version must start with a digit.
  if (!/^[0-9]/.test(version)) return false;
  const c = new Cursor(version);
  while (c.type !== Token.End && c.type !== Token.Invalid) c.next();
  return c.type === Token.End;
}

function compareValid(a: string, b: string): number {
  const ca = new Cursor(a);
  const cb = new Cursor(b);
  let av = 0;
  let bv = 0;
  while (ca.type === cb.type && ca.type !== Token.End && ca.type !== Token.Invalid && av === bv) {
    av = ca.next();
    bv = cb.next();
  }
  if (av !== bv) return av < bv ? -1 : 1;
  const at = ca.type;
  const bt = cb.type;
  if (at === bt) return 0;
  // Same leading components: the longer version is newer, unless it continues with a pre-release suffix.
  if (at === Token.Suffix && ca.next() < 0) return -1;
  if (bt === Token.Suffix && cb.next() < 0) return 1;
  return at > bt ? -1 : 1;
}

export function compareApkVersions(a: string, b: string): number {
  for (const v of [a, b]) {
    if (!isValidApkVersion(v)) throw new VersionInvalidError('apk', v);
  }
  return compareValid(a, b);
}

export const apkVersionScheme: VersionScheme = {
  name: 'apk',
  isValid: isValidApkVersion,
  compare: compareApkVersions,
};
