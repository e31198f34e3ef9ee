import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/*
 * Maven's ComparableVersion (maven-artifact 3.8): a version is a tree of lists; '.' separates items in
 * a list, '-' and a digit/letter transition open a sub-list. Numbers compare numerically, known
 * qualifiers in the order alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp,
 * unknown qualifiers after those, alphabetically. Trailing "null" items (0, "", ga, final, release) are
 * dropped, so 1 = 1.0 = 1.0.0 = 1-ga.
 */
type Item = { kind: 'int'; value: bigint } | { kind: 'str'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));
const SHORT_QUALIFIERS: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  const expanded = followedByDigit ? (SHORT_QUALIFIERS[value] ?? value) : value;
  return { kind: 'str', value: ALIASES[expanded] ?? expanded };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'str') return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (item === undefined) continue;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** ComparableVersion.parseVersion, lower-cased, with its sub-list stack. */
export function parseMavenVersion(version: string): Item {
  const text = version.toLowerCase();
  const root: Item[] = [];
  const stack: Item[][] = [root];
  let list = root;
  const openSublist = (): void => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    stack.push(sub);
    list = sub;
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const digit = c >= '0' && c <= '9';
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') openSublist();
    } else if (digit) {
      if (!isDigit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: a qualifier after '.' is treated like one after '-'.
        if (list.length > 0) openSublist();
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        openSublist();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        openSublist();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.length > 0) openSublist();
    list.push(parseItem(isDigit, text.slice(start)));
  }
  for (let l = stack.pop(); l !== undefined; l = stack.pop()) normalize(l);
  return { kind: 'list', items: root };
}

function cmp<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Item.compareTo(other), with `undefined` standing for Java's null (a missing item). */
function compareItem(a: Item, b: Item | undefined): number {
  if (a.kind === 'int') {
    if (b === undefined) return a.value === 0n ? 0 : 1;
    return b.kind === 'int' ? cmp(a.value, b.value) : 1;
  }
  if (a.kind === 'str') {
    if (b === undefined) return cmp(comparableQualifier(a.value), RELEASE_INDEX);
    if (b.kind === 'str') return cmp(comparableQualifier(a.value), comparableQualifier(b.value));
    return -1;
  }
  if (b === undefined) {
    // The whole list against a missing item, not just its first element (MNG-6964, Maven 3.8).
    for (const item of a.items) {
      const c = compareItem(item, undefined);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'str') return 1;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const l = a.items[i];
    const r = b.items[i];
    const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

// ComparableVersion accepts any string; vigil rejects blanks and characters no Maven version uses, so
// that garbage is reported rather than silently ordered.
const MAVEN_CHARS = /^[A-Za-z0-9._+-]+$/;

export function isValidMavenVersion(version: string): boolean {
  return MAVEN_CHARS.test(version);
}

export function compareMavenVersions(a: string, b: string): number {
  for (const v of [a, b]) {
    if (!isValidMavenVersion(v)) throw new VersionInvalidError('maven', v);
  }
  return Math.sign(compareItem(parseMavenVersion(a), parseMavenVersion(b)));
}

export const mavenVersionScheme: VersionScheme = {
  name: 'maven',
  isValid: isValidMavenVersion,
  compare: compareMavenVersions,
};
