/**
 * PEP 503 normalized Python project name: lowercase, every run of `-`, `_` and `.` becomes one `-`.
 * The one rule for inventory, advisories and matching, so a name written `Foo_Bar` in METADATA and
 * `foo-bar` in an advisory meet.
 */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}
