import { hash } from 'node:crypto';

/** One index row of a lookup component, as its key reads it. */
export interface ComponentKeyRow {
  ecosystem: string;
  name: string;
  version: string;
  /** The row's packages' places in the inventory. */
  positions: readonly number[];
  /** What tells the row's packages apart: `d` + their JSON's digest, or `j` + the JSON itself. */
  identity: string;
}

/**
 * The identity of one lookup component of an inventory: what its findings depend on. Its rows' keys,
 * their packages and the packages' order relative to each other (ranks, not places: a host with the
 * same packages in the same order elsewhere in its inventory shares the component's findings).
 * Hashed: the index writer stores it per inventory, so a full re-match reads one short list per host
 * instead of every index row. Sorts `rows` in place.
 */
export function componentKey(rows: ComponentKeyRow[]): string {
  rows.sort((a, b) => cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.version, b.version));
  const rank = new Map(
    [...new Set(rows.flatMap((r) => r.positions))].sort((a, b) => a - b).map((p, i) => [p, i]),
  );
  const text = rows
    .map((r) => {
      const ranks = r.positions.map((p) => rank.get(p)).join(',');
      return `${r.ecosystem}\0${r.name}\0${r.version}\0${ranks}\0${r.identity}`;
    })
    .join('\n');
  return hash('sha256', text, 'base64url').slice(0, 32);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
