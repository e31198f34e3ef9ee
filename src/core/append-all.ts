/**
 * `target.push(...items)` passes every item as an argument, and V8 throws RangeError past about 120,000
 * arguments: a 125,000-component SBOM failed that way. Any list whose length the input decides is
 * appended with this loop instead.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
