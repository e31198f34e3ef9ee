/** Documented exit codes (README "Exit codes"): CI pipelines depend on them, so they never change. */
export const EXIT = {
  OK: 0,
  /** Fatal error: the job could not be done. */
  FATAL: 1,
  /** Usage error: bad command, flag or argument. */
  USAGE: 2,
  /** `--fail-on`: a finding at or above the threshold was found. */
  FINDINGS: 3,
} as const;
