/**
 * Appends `value` to the list kept under `key`, creating the list on first use. In place and O(1):
 * `map.set(key, [...(map.get(key) ?? []), value])` copies the whole list on every call, which makes
 * grouping n items O(n²) (issue 10: 100,000 packages took 94 s to group).
 */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
