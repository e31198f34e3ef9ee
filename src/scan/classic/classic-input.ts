import { Cron } from 'croner';
import { ValidationError } from '../../core/errors/validation-error.js';

/** Inspector Classic's rules packages, by the names vigil gives them. */
export const RULES_PACKAGES = ['CVE', 'CIS', 'NETWORK_REACHABILITY', 'SECURITY_BEST_PRACTICES'] as const;
export type RulesPackage = (typeof RULES_PACKAGES)[number];
export const CLASSIC_EVENTS = [
  'ASSESSMENT_RUN_STARTED',
  'ASSESSMENT_RUN_COMPLETED',
  'FINDING_REPORTED',
] as const;
export type ClassicEvent = (typeof CLASSIC_EVENTS)[number];

export interface TargetInput {
  name: string;
  /** Every key must be present with one of its values; empty: all hosts of the account. */
  resourceTags: Record<string, string[]>;
}

export interface ClassicSchedule {
  /** Five-field cron pattern (croner). */
  cron: string;
  timezone: string;
}

export interface TemplateInput {
  name: string;
  assessmentTargetId: string;
  rulesPackages: RulesPackage[];
  durationInSeconds: number;
  userAttributes: Array<{ key: string; value: string }>;
  eventSubscriptions: ClassicEvent[];
  schedule?: ClassicSchedule;
}

/** Classic's bounds: 15 minutes to 24 hours; vigil allows a minute for small fleets and tests. */
export const MIN_DURATION_SECONDS = 60;
export const MAX_DURATION_SECONDS = 86_400;
const MAX_ATTRIBUTES = 10;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOk = (s: unknown): s is string =>
  typeof s === 'string' &&
  s.length >= 1 &&
  s.length <= 128 &&
  [...s].every((c) => c.charCodeAt(0) > 0x1f && c !== '\x7f');

const printable = (s: string): boolean => nameOk(s);

export function parseTargetInput(body: unknown): TargetInput {
  if (!isObject(body)) throw invalid('/', 'expected an object');
  only(body, '', ['name', 'resourceTags']);
  if (!nameOk(body['name'])) throw invalid('/name', 'expected 1 to 128 printable characters');
  const tags = body['resourceTags'] ?? {};
  if (!isObject(tags)) throw invalid('/resourceTags', 'expected {key: [values]}');
  if (Object.keys(tags).length > 5) throw invalid('/resourceTags', 'at most 5 keys');
  const resourceTags: Record<string, string[]> = {};
  for (const [k, values] of Object.entries(tags)) {
    if (!printable(k)) throw invalid('/resourceTags', 'a key is 1 to 128 printable characters');
    if (!Array.isArray(values) || values.length < 1 || values.length > 5 || !values.every(nameOk))
      throw invalid(`/resourceTags/${k}`, 'expected 1 to 5 values of 1 to 128 printable characters');
    resourceTags[k] = values;
  }
  return { name: body['name'], resourceTags };
}

export function parseTemplateInput(body: unknown): TemplateInput {
  if (!isObject(body)) throw invalid('/', 'expected an object');
  only(body, '', [
    'name',
    'assessmentTargetId',
    'rulesPackages',
    'durationInSeconds',
    'userAttributes',
    'eventSubscriptions',
    'schedule',
  ]);
  if (!nameOk(body['name'])) throw invalid('/name', 'expected 1 to 128 printable characters');
  if (!nameOk(body['assessmentTargetId'])) throw invalid('/assessmentTargetId', 'expected a target id');
  const duration = body['durationInSeconds'];
  if (
    typeof duration !== 'number' ||
    !Number.isInteger(duration) ||
    duration < MIN_DURATION_SECONDS ||
    duration > MAX_DURATION_SECONDS
  )
    throw invalid(
      '/durationInSeconds',
      `expected a whole number from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`,
    );
  return {
    name: body['name'],
    assessmentTargetId: body['assessmentTargetId'],
    rulesPackages: enumList(body['rulesPackages'], '/rulesPackages', RULES_PACKAGES, 1),
    durationInSeconds: duration,
    userAttributes: attributesOf(body['userAttributes'] ?? []),
    eventSubscriptions: enumList(body['eventSubscriptions'] ?? [], '/eventSubscriptions', CLASSIC_EVENTS, 0),
    ...(body['schedule'] === undefined ? {} : { schedule: scheduleOf(body['schedule']) }),
  };
}

function enumList<T extends string>(v: unknown, at: string, allowed: readonly T[], min: number): T[] {
  if (!Array.isArray(v) || v.length < min) throw invalid(at, `expected a list of ${allowed.join(', ')}`);
  v.forEach((x, i) => {
    if (!allowed.includes(x as T)) throw invalid(`${at}/${i}`, `expected one of ${allowed.join(', ')}`);
  });
  return [...new Set(v as T[])];
}

function attributesOf(v: unknown): Array<{ key: string; value: string }> {
  if (!Array.isArray(v) || v.length > MAX_ATTRIBUTES)
    throw invalid('/userAttributes', `expected at most ${MAX_ATTRIBUTES} {key, value} pairs`);
  return v.map((a, i) => {
    const at = `/userAttributes/${i}`;
    if (!isObject(a)) throw invalid(at, 'expected {key, value}');
    only(a, at, ['key', 'value']);
    if (!nameOk(a['key'])) throw invalid(`${at}/key`, 'expected 1 to 128 printable characters');
    const value = a['value'] ?? '';
    if (typeof value !== 'string' || value.length > 256 || (value !== '' && !nameOk(value.slice(0, 128))))
      throw invalid(`${at}/value`, 'expected at most 256 printable characters');
    return { key: a['key'], value };
  });
}

function scheduleOf(v: unknown): ClassicSchedule {
  if (!isObject(v)) throw invalid('/schedule', 'expected {cron, timezone}');
  only(v, '/schedule', ['cron', 'timezone']);
  const { cron, timezone = 'UTC' } = v;
  if (typeof timezone !== 'string' || !zoneOk(timezone))
    throw invalid('/schedule/timezone', 'expected an IANA time zone such as UTC or Europe/Paris');
  // Five fields (minute precision): a seconds field would let one template start runs every second.
  if (typeof cron !== 'string' || cron.trim().split(/\s+/).length !== 5)
    throw invalid('/schedule/cron', 'expected a five-field cron pattern (minute hour day month weekday)');
  try {
    new Cron(cron, { timezone, paused: true });
  } catch (err) {
    throw invalid('/schedule/cron', err instanceof Error ? err.message : 'not a cron pattern');
  }
  return { cron: cron.trim(), timezone };
}

/** When a schedule fires next, strictly after `after`. */
export function nextFiring(s: ClassicSchedule, after: Date): string | null {
  const next = new Cron(s.cron, { timezone: s.timezone, paused: true }).nextRun(after);
  return next ? next.toISOString() : null;
}

function zoneOk(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length <= 64;
  } catch {
    return false;
  }
}

function only(o: Record<string, unknown>, at: string, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw invalid(`${at}/${extra}`, 'unknown property');
}

function invalid(path: string, problem: string): ValidationError {
  return new ValidationError(`${path}: ${problem}`, { path });
}
