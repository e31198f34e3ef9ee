/** vigil's version, reported by `--version`, in agent check-ins and in reports (kept equal to package.json). */
export const VIGIL_VERSION = '0.1.0';
