/**
 * Characters no id may hold: C0 controls (NUL, CR, LF, ESC…), DEL and C1 controls, and the bidi
 * controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069). A line break in an id splits a CSV or log line
 * (`x\n=1+1` started a report line with a formula); a bidi override makes an id read differently from
 * what it is. Written as a regex class body so JSON-schema patterns and code share the one list.
 */
const FORBIDDEN_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

/** For JSON-schema `pattern`: one or more characters, none of them forbidden. */
export const CLEAN_ID_PATTERN = `^[^${FORBIDDEN_CLASS}]+$`;

const FORBIDDEN = new RegExp(`[${FORBIDDEN_CLASS}]`, 'u');

/** True when `id` is non-empty and holds no control or bidi character. */
export function isCleanId(id: string): boolean {
  return id.length > 0 && !FORBIDDEN.test(id);
}

/** `text` with every such character replaced (for showing untrusted text in a message). */
export function replaceUnsafe(text: string, replacement = '?'): string {
  return text.replace(new RegExp(`[${FORBIDDEN_CLASS}]`, 'gu'), replacement);
}
