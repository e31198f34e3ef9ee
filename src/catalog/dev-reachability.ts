/**
 * Lockfiles that do not flag dev dependencies (yarn, pnpm 9) still say which roots are dev: a package is
 * dev-only when the dev roots reach it and the production roots do not (what `npm ls` calls `dev`).
 */
export function devOnlyNodes(
  edges: ReadonlyMap<string, readonly string[]>,
  prodRoots: readonly string[],
  devRoots: readonly string[],
): Set<string> {
  const prod = reach(edges, prodRoots);
  const dev = reach(edges, devRoots);
  return new Set([...dev].filter((n) => !prod.has(n)));
}

function reach(edges: ReadonlyMap<string, readonly string[]>, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of edges.get(n) ?? []) if (!seen.has(m)) stack.push(m);
  }
  return seen;
}
