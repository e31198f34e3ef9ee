/**
 * The deepest nesting of `[`/`{` in a JSON text, counted without parsing (strings skipped, escapes
 * honoured), stopping as soon as `limit` is passed. Run before JSON.parse so a body nested 10,000 deep
 * is refused before any recursive code (schema validation, JSON.stringify) can overflow the stack on it.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
