/**
 * An RFC 3339 date-time as the API accepts it: seconds 00–59 (no leap second, which Date cannot hold),
 * optional fraction, `Z` or an offset. The pattern alone lets 02-30 through; `isRealDateTime` does not.
 */
export const DATE_TIME_PATTERN =
  '^(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';

const DATE_TIME = new RegExp(DATE_TIME_PATTERN);

function daysIn(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC, so no time-zone surprises).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a date-time the calendar has: 2026-02-28T… yes, 2026-02-30T… and …T23:59:60Z no. */
export function isRealDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return day <= daysIn(year, month) && !Number.isNaN(Date.parse(text));
}
