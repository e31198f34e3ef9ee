import type { Cataloger, CatalogerTag } from './cataloger.js';

/**
 * Every cataloger vigil runs, listed explicitly (no side-effect registration): reading this list tells
 * a newcomer everything the inventory can find. OS catalogers come first so their file ownership is
 * known when language packages are marked OS-managed.
 */
export const CATALOGERS: readonly Cataloger[] = [];

export function catalogersTagged(...tags: CatalogerTag[]): Cataloger[] {
  return CATALOGERS.filter((c) => tags.every((t) => c.tags.includes(t)));
}
