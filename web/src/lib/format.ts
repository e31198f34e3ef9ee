/** Numbers and dates in the browser's locale (issue 14: "numbers formatted for the browser's locale"). */
const locale = typeof navigator === 'undefined' ? undefined : navigator.languages;

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
const fraction = new Intl.NumberFormat(locale, { maximumFractionDigits: 5 });
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const shortDay = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export const fmtInt = (n: number | undefined | null): string => (n == null ? '—' : integer.format(n));
export const fmtScore = (n: number | undefined | null): string => (n == null ? '—' : oneDecimal.format(n));
export const fmtPercent = (n: number | undefined | null): string => (n == null ? '—' : percent.format(n));
export const fmtFraction = (n: number | undefined | null): string => (n == null ? '—' : fraction.format(n));

function parse(iso: string | undefined | null): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const fmtDateTime = (iso: string | undefined | null): string => {
  const d = parse(iso);
  return d ? dateTime.format(d) : '—';
};
export const fmtDate = (iso: string | undefined | null): string => {
  const d = parse(iso);
  return d ? dateOnly.format(d) : '—';
};
/** A calendar day (`2026-01-31`, UTC) as "Jan 31". */
export const fmtDay = (day: string): string => {
  const d = parse(`${day}T00:00:00Z`);
  return d ? shortDay.format(d) : day;
};

const UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;
export function fmtBytes(n: number | undefined | null): string {
  if (n == null) return '—';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? integer.format(v) : oneDecimal.format(v)} ${UNITS[u]}`;
}
