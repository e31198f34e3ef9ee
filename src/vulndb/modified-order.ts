/**
 * Whether timestamp `a` is strictly older than `b`. Feeds write ISO 8601 with and without fractions
 * (`…:01Z`, `…:01.293792Z`), so compare as instants when both parse and as text otherwise.
 */
export function isOlder(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta < tb;
  return a < b;
}
