import { ValidationError } from '../../core/errors/validation-error.js';
import { parseCisSchedule, type CisSchedule } from './cis-schedule.js';

export const CIS_SECURITY_LEVELS = ['LEVEL_1', 'LEVEL_2'] as const;
export type CisSecurityLevel = (typeof CIS_SECURITY_LEVELS)[number];

/** Which hosts a scan assesses: hosts of these accounts whose tags match (all hosts when no tags). */
export interface CisTargets {
  accountIds: string[];
  /** Every key must be present with one of its values (values of one key are alternatives). */
  targetResourceTags: Record<string, string[]>;
}

export interface CisScanConfigInput {
  scanName: string;
  securityLevel: CisSecurityLevel;
  schedule: CisSchedule;
  targets: CisTargets;
}

/** What the writer may target: its own account, and the members when it writes as their administrator. */
export interface TargetScope {
  accountId: string;
  allowedAccountIds: readonly string[];
}

/** 1 to 128 characters, none of them a control character. */
const nameOk = (s: string): boolean =>
  s.length >= 1 && s.length <= 128 && [...s].every((c) => c.charCodeAt(0) > 0x1f && c !== '\x7f');
const MAX_TAG_KEYS = 5;
const MAX_TAG_VALUES = 5;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a configuration from the API (or an apply file); every problem names its JSON path. */
export function parseCisScanConfigInput(body: unknown, scope: TargetScope): CisScanConfigInput {
  if (!isObject(body)) throw invalid('/', 'expected an object');
  const extra = Object.keys(body).find(
    (k) => !['scanName', 'securityLevel', 'schedule', 'targets'].includes(k),
  );
  if (extra !== undefined) throw invalid(`/${extra}`, 'unknown property');
  const { scanName, securityLevel } = body;
  if (typeof scanName !== 'string' || !nameOk(scanName))
    throw invalid('/scanName', 'expected 1 to 128 characters without control characters');
  if (!CIS_SECURITY_LEVELS.includes(securityLevel as CisSecurityLevel))
    throw invalid('/securityLevel', 'expected LEVEL_1 or LEVEL_2');
  return {
    scanName,
    securityLevel: securityLevel as CisSecurityLevel,
    schedule: parseCisSchedule(body['schedule']),
    targets: targetsOf(body['targets'], scope),
  };
}

function targetsOf(v: unknown, scope: TargetScope): CisTargets {
  if (v === undefined) return { accountIds: [scope.accountId], targetResourceTags: {} };
  if (!isObject(v)) throw invalid('/targets', 'expected an object');
  const extra = Object.keys(v).find((k) => k !== 'accountIds' && k !== 'targetResourceTags');
  if (extra !== undefined) throw invalid(`/targets/${extra}`, 'unknown property');
  return {
    accountIds: accountIdsOf(v['accountIds'], scope),
    targetResourceTags: tagsOf(v['targetResourceTags']),
  };
}

function accountIdsOf(v: unknown, scope: TargetScope): string[] {
  if (v === undefined) return [scope.accountId];
  if (!Array.isArray(v) || v.length === 0 || v.length > 1000)
    throw invalid('/targets/accountIds', 'expected 1 to 1000 account ids');
  v.forEach((id, i) => {
    if (typeof id !== 'string' || !scope.allowedAccountIds.includes(id))
      throw invalid(`/targets/accountIds/${i}`, 'not an account this configuration may target');
  });
  return [...new Set(v as string[])].sort();
}

function tagsOf(v: unknown): Record<string, string[]> {
  if (v === undefined) return {};
  if (!isObject(v)) throw invalid('/targets/targetResourceTags', 'expected an object of key → values');
  const entries = Object.entries(v);
  if (entries.length > MAX_TAG_KEYS)
    throw invalid('/targets/targetResourceTags', `at most ${MAX_TAG_KEYS} tag keys`);
  const out: Record<string, string[]> = {};
  for (const [key, values] of entries) {
    const at = `/targets/targetResourceTags/${key}`;
    if (!key || key.length > 128) throw invalid(at, 'a tag key has 1 to 128 characters');
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_TAG_VALUES)
      throw invalid(at, `expected 1 to ${MAX_TAG_VALUES} values`);
    values.forEach((x, i) => {
      if (typeof x !== 'string' || x.length > 256)
        throw invalid(`${at}/${i}`, 'expected a string of at most 256 characters');
    });
    out[key] = [...new Set(values as string[])];
  }
  return out;
}

/** Whether a host's tags match the targets' tags (no tags: every host). */
export function tagsMatch(
  tags: Readonly<Record<string, string>>,
  wanted: Readonly<Record<string, string[]>>,
): boolean {
  return Object.entries(wanted).every(([k, values]) => {
    const have = tags[k];
    return have !== undefined && values.includes(have);
  });
}

function invalid(path: string, problem: string): ValidationError {
  return new ValidationError(`${path}: ${problem}`, { path });
}
