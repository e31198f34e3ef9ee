/** PEP 503 normalized project name: lowercase, every run of `-`, `_` and `.` becomes one `-`. */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}
