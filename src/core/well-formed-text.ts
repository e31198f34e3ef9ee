// With the u flag a surrogate pair is one code point outside this class, so only lone ones match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATE_ALL = /[\uD800-\uDFFF]/gu;

/**
 * The string with each lone UTF-16 surrogate replaced by U+FFFD (String.prototype.toWellFormed, which
 * TypeScript's ES2023 lib does not declare): what UTF-8 can hold, and what the pg driver sends.
 */
export function wellFormed(s: string): string {
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE_ALL, '\uFFFD') : s;
}
