/**
 * Deepest nesting of arrays and objects a JSON body or `filter` parameter may have. Inventories and
 * filters are a few levels deep and CycloneDX nests components a dozen or so; 10,000 levels made
 * recursive code (schema validation, JSON.stringify of a stored inventory) overflow the stack: a 500.
 */
export const MAX_JSON_DEPTH = 128;

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
