import { replaceUnsafe } from './identifier-text.js';

/**
 * Why JSON.parse refused a text, WITHOUT the text: Node 20's messages quote the input (`Unexpected
 * token 'o', "not json" is not valid JSON`), and an error message must not carry an attacker's bytes
 * (terminal escapes, secrets from a file given by mistake) to a terminal, a log or an API answer.
 */
export function jsonErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `invalid JSON at position ${position}`;
  if (/end of (JSON )?input/i.test(message)) return 'invalid JSON: ends early';
  return 'invalid JSON';
}

/** Text safe to show in a message: control and bidi characters replaced, at most `max` characters. */
export function printable(text: string, max = 80): string {
  const clean = replaceUnsafe(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
