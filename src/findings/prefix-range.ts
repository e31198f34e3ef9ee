import { wellFormed } from '../core/well-formed-text.js';

/**
 * A string as the service DB stores it: UTF-8, a lone surrogate as U+FFFD (the pg driver writes it so,
 * and src/store/sqlite-well-formed.ts does for SQLite). The in-memory face of FilterCriteria compares
 * this form, so it agrees with the SQL face on every string JavaScript can hold.
 */
export const storedForm = wellFormed;

const MAX_CODE_POINT = 0x10ffff;

/**
 * The least string above every string that starts with `prefix`, in UTF-8 byte order (which is code
 * point order), or undefined when there is none (an empty prefix, or one made only of U+10FFFF).
 * So `s.startsWith(prefix)` ⟺ `prefix ≤ s < prefixUpperBound(prefix)` for every well-formed s:
 * the last code point that can grow is raised by one (over the surrogate block, which UTF-8 cannot
 * hold), and the U+10FFFF after it dropped. The range is what an index on the column can serve.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(storedForm(prefix), (c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    if (last < MAX_CODE_POINT) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      let out = '';
      for (const p of points) out += String.fromCodePoint(p);
      return out;
    }
  }
  return undefined;
}
