import { conditionFacts } from '../evaluate/condition-validator.js';
import type {
  CheckDefinition,
  CheckLevel,
  CheckProfile,
  CheckSeverity,
  CompareOp,
  Condition,
  Expected,
  FieldTest,
  IfMissing,
  LinesTest,
  PathsTest,
  RecordsTest,
  ValueTest,
} from '../model/check-model.js';

/** What a data file says about one check; the builder adds the facts its conditions read. */
export interface CheckMeta {
  id: string;
  title: string;
  remediation: string;
  section?: string;
  ssg?: string;
  /** Default: Level 1 in both profiles. */
  levels?: Partial<Record<CheckProfile, CheckLevel>>;
  applicable?: Condition;
  severity?: CheckSeverity;
}

export const L1 = { server: 1, workstation: 1 } as const;
export const L2 = { server: 2, workstation: 2 } as const;
/** Level 1 on servers, Level 2 on workstations (services a desktop may need). */
export const L1_SERVER = { server: 1, workstation: 2 } as const;

export function check(meta: CheckMeta, condition: Condition): CheckDefinition {
  const facts = [
    ...new Set([...conditionFacts(condition), ...(meta.applicable ? conditionFacts(meta.applicable) : [])]),
  ].sort();
  return {
    id: meta.id,
    title: meta.title,
    levels: meta.levels ?? L1,
    facts,
    ...(meta.applicable ? { applicable: meta.applicable } : {}),
    condition,
    remediation: meta.remediation,
    ...(meta.section ? { cisSection: meta.section } : {}),
    ...(meta.ssg ? { ssgRuleId: meta.ssg } : {}),
    ...(meta.severity ? { severity: meta.severity } : {}),
  };
}

export const all = (...parts: Condition[]): Condition => ({ all: parts });
export const any = (...parts: Condition[]): Condition => ({ any: parts });
export const not = (c: Condition): Condition => ({ not: c });

export function value(
  key: string,
  op: CompareOp,
  expected: Expected,
  extra: Partial<ValueTest> = {},
): ValueTest {
  return { value: key, op, expected, ...extra };
}

export const sysctl = (key: string, expected: string, op: CompareOp = 'eq'): ValueTest =>
  value(`sysctl:${key}`, op, expected);
export const sshd = (option: string, op: CompareOp, expected: Expected): ValueTest =>
  value(`sshd:${option}`, op, expected, { ignoreCase: true });
export const loginDefs = (key: string, op: CompareOp, expected: Expected): ValueTest =>
  value(`login.defs:${key}`, op, expected);
export const kv = (
  set: string,
  key: string,
  op: CompareOp,
  expected: Expected,
  ifMissing?: IfMissing,
): ValueTest => value(`kv:${set}:${key}`, op, expected, ifMissing ? { ifMissing } : {});
export const installed = (pkg: string): ValueTest => ({ value: `package:${pkg}`, op: 'set' });
export const notInstalled = (pkg: string): ValueTest => ({ value: `package:${pkg}`, op: 'unset' });
export const unitIn = (unit: string, states: readonly string[]): ValueTest =>
  value(`unit:${unit}`, 'in', states);
export const unitNotEnabled = (unit: string): ValueTest =>
  value(`unit:${unit}`, 'notIn', ['enabled', 'enabled-runtime', 'alias', 'indirect']);

export function lines(key: string, mode: Omit<LinesTest, 'lines'>): LinesTest {
  return { lines: key, ...mode };
}

export function paths(path: string, test: Omit<PathsTest, 'paths'>): PathsTest {
  return { paths: `paths:${path}`, ...test };
}

export function records(table: string, test: Omit<RecordsTest, 'records'>): RecordsTest {
  return { records: `records:${table}`, ...test };
}

export const field = (op: CompareOp, expected: Expected): FieldTest => ({ op, expected });

/** A kernel module kmod will not load: an `install` to /bin/false (or true) and a blacklist line. */
export function moduleDisabled(module: string): Condition {
  const name = module.replace(/[-_]/g, '[-_]');
  return all(
    lines('lines:modprobe', { some: `^install ${name} /(usr/)?bin/(false|true)$` }),
    lines('lines:modprobe', { some: `^blacklist ${name}$` }),
  );
}

/** Applicability of a mount option check: the mount point is a separate mount. */
export const isMounted = (mountPoint: string): RecordsTest =>
  records('mounts', { where: { mountPoint: field('eq', mountPoint) }, some: true });

export const mountHasOption = (mountPoint: string, option: string): RecordsTest =>
  records('mounts', {
    where: { mountPoint: field('eq', mountPoint) },
    every: { options: field('match', `(^|,)${option}(,|$)`) },
  });
