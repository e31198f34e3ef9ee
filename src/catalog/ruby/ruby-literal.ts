/**
 * A Ruby string literal as gemspec writers use them: `"x"`, `'x'`, `%q{x}`, optionally `.freeze`.
 * Only literals: a gemspec is never evaluated, so a computed value yields undefined.
 */
export function rubyString(expr: string): string | undefined {
  const e = expr.trim().replace(/\.freeze$/, '');
  const m =
    /^"((?:[^"\\]|\\.)*)"$/.exec(e) ??
    /^'((?:[^'\\]|\\.)*)'$/.exec(e) ??
    /^%[qQ]?[{(<[|](.*)[})>\]|]$/.exec(e);
  return m?.[1]?.replace(/\\(.)/g, '$1');
}

/** `["MIT".freeze, "Ruby"]` → both strings; anything that is not a literal array of literals → []. */
export function rubyStringArray(expr: string): string[] {
  const m = /^\[(.*)\]$/.exec(expr.trim());
  if (!m?.[1]) return [];
  return m[1]
    .split(',')
    .map((s) => rubyString(s))
    .filter((s): s is string => s !== undefined);
}
