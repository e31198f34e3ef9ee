const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A duration as people write it on a command line or in an API body: `90` or `90s` (seconds), `30m`,
 * `24h`, `7d`; or a number of seconds. Undefined for anything else (a fraction, a unit it does not
 * know, zero or less): the caller says why with its own error.
 */
export function parseDurationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d{1,9})\s*([smhd]?)\s*$/.exec(value);
  if (!m) return undefined;
  const seconds = Number(m[1]) * (UNIT_SECONDS[m[2] || 's'] ?? 1);
  return seconds > 0 ? seconds : undefined;
}
