import { Cron } from 'croner';
import { ValidationError } from '../../core/errors/validation-error.js';

/** Inspector v2's `Time`: a wall-clock time in a time zone. */
export interface CisTime {
  timeOfDay: string;
  timezone: string;
}

export const CIS_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type CisDay = (typeof CIS_DAYS)[number];

/** Inspector v2's `Schedule`: exactly one of its members. */
export type CisSchedule =
  | { oneTime: Record<string, never> }
  | { daily: { startTime: CisTime } }
  | { weekly: { startTime: CisTime; days: CisDay[] } }
  | { monthly: { startTime: CisTime; day: CisDay } };

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The croner pattern of a recurring schedule (null: one time). A monthly scan runs on the first given
 * weekday of each month (`MON#1`): Inspector names a weekday, not a date, for monthly scans.
 */
export function cronPatternOf(s: CisSchedule): { pattern: string; timezone: string } | null {
  if ('oneTime' in s) return null;
  const t = 'daily' in s ? s.daily.startTime : 'weekly' in s ? s.weekly.startTime : s.monthly.startTime;
  const [, hh, mm] = TIME_OF_DAY.exec(t.timeOfDay) ?? [];
  const at = `${Number(mm)} ${Number(hh)} * *`;
  if ('daily' in s) return { pattern: `${at} *`, timezone: t.timezone };
  if ('weekly' in s) return { pattern: `${at} ${s.weekly.days.join(',')}`, timezone: t.timezone };
  return { pattern: `${at} ${s.monthly.day}#1`, timezone: t.timezone };
}

/** When the schedule fires next, strictly after `after`; a one-time schedule never fires again. */
export function nextRunAfter(s: CisSchedule, after: Date): string | null {
  const cron = cronPatternOf(s);
  if (!cron) return null;
  const next = new Cron(cron.pattern, { timezone: cron.timezone, paused: true }).nextRun(after);
  return next ? next.toISOString() : null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a schedule from the API; every problem names its path. */
export function parseCisSchedule(v: unknown): CisSchedule {
  if (!isObject(v)) throw invalid('/schedule', 'expected an object');
  const keys = Object.keys(v);
  if (keys.length !== 1)
    throw invalid('/schedule', 'expected exactly one of oneTime, daily, weekly, monthly');
  const [kind] = keys as [string];
  const body = v[kind];
  const at = `/schedule/${kind}`;
  if (!isObject(body)) throw invalid(at, 'expected an object');
  if (kind === 'oneTime') {
    if (Object.keys(body).length) throw invalid(at, 'expected an empty object');
    return { oneTime: {} };
  }
  if (kind === 'daily') {
    only(body, at, ['startTime']);
    return { daily: { startTime: timeOf(body['startTime'], `${at}/startTime`) } };
  }
  if (kind === 'weekly') {
    only(body, at, ['startTime', 'days']);
    const days = body['days'];
    if (!Array.isArray(days) || days.length === 0 || days.length > 7)
      throw invalid(`${at}/days`, 'expected 1 to 7 days');
    return {
      weekly: {
        startTime: timeOf(body['startTime'], `${at}/startTime`),
        days: [...new Set(days.map((d, i) => dayOf(d, `${at}/days/${i}`)))],
      },
    };
  }
  if (kind === 'monthly') {
    only(body, at, ['startTime', 'day']);
    return {
      monthly: {
        startTime: timeOf(body['startTime'], `${at}/startTime`),
        day: dayOf(body['day'], `${at}/day`),
      },
    };
  }
  throw invalid('/schedule', `unknown schedule "${kind}" (oneTime, daily, weekly or monthly)`);
}

function timeOf(v: unknown, at: string): CisTime {
  if (!isObject(v)) throw invalid(at, 'expected {timeOfDay, timezone}');
  only(v, at, ['timeOfDay', 'timezone']);
  const { timeOfDay, timezone } = v;
  if (typeof timeOfDay !== 'string' || !TIME_OF_DAY.test(timeOfDay))
    throw invalid(`${at}/timeOfDay`, 'expected HH:MM (00:00 to 23:59)');
  if (typeof timezone !== 'string' || !validZone(timezone))
    throw invalid(`${at}/timezone`, 'expected an IANA time zone such as UTC or Europe/Paris');
  return { timeOfDay, timezone };
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length <= 64;
  } catch {
    return false;
  }
}

function dayOf(v: unknown, at: string): CisDay {
  if (!CIS_DAYS.includes(v as CisDay)) throw invalid(at, `expected one of ${CIS_DAYS.join(', ')}`);
  return v as CisDay;
}

function only(o: Record<string, unknown>, at: string, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw invalid(`${at}/${extra}`, 'unknown property');
}

function invalid(path: string, problem: string): ValidationError {
  return new ValidationError(`${path}: ${problem}`, { path });
}
