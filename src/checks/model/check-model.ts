/**
 * Checks are data: one declarative rule per check, read by one small evaluator. Everything here is
 * plain JSON (no functions, no RegExp objects), so a benchmark can be listed, stored or sent as is.
 */

export type CheckLevel = 1 | 2;
export type CheckProfile = 'server' | 'workstation';
export const CHECK_PROFILES: readonly CheckProfile[] = ['server', 'workstation'];

/** Classic (Inspector) severities, used by the security best practices package. */
export type CheckSeverity = 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

export interface CheckDefinition {
  /** Stable id, unique across all benchmarks (`cis-d12-5.1.20`, `sbp-ssh-root-login`). */
  id: string;
  title: string;
  /**
   * The profiles the check belongs to, each with its level: `{ server: 1, workstation: 2 }`. CIS puts
   * some checks at different levels per profile (sshd forwarding: Level 1 workstation, Level 2 server).
   */
  levels: Readonly<Partial<Record<CheckProfile, CheckLevel>>>;
  /** Fact keys (`kind:argument`, see facts/fact-keys.ts) the conditions read, and no others. */
  facts: readonly string[];
  /** When given and not met, the check is NOT_APPLICABLE (sshd checks without openssh-server). */
  applicable?: Condition;
  condition: Condition;
  /** What to change, in vigil's own words. */
  remediation: string;
  /** Section of the CIS benchmark this check implements (CIS checks), e.g. `5.1.20`. */
  cisSection?: string;
  /** The ComplianceAsCode (SSG) rule id it corresponds to, without the xccdf prefix. */
  ssgRuleId?: string;
  severity?: CheckSeverity;
}

export interface Benchmark {
  id: string;
  title: string;
  /** The published document the checks follow. */
  source: string;
  checks: readonly CheckDefinition[];
}

/** A number or string compared with a fact's value; lists for `in` / `notIn`. */
export type Expected = string | number | readonly string[];

export type CompareOp = 'eq' | 'ne' | 'in' | 'notIn' | 'match' | 'notMatch' | 'lt' | 'le' | 'gt' | 'ge';

/** `set` / `unset`: whether the value exists at all (a package installed, a key present). */
export type PresenceOp = 'set' | 'unset';

/** What a missing value or an empty set of lines/paths/records means for a test. */
export type IfMissing = 'pass' | 'fail';

/** One value fact (a sysctl key, an sshd option, a login.defs key, a unit state, a package version). */
export interface ValueTest {
  value: string;
  op: CompareOp | PresenceOp;
  /** Required by the compare operators, unused by `set` / `unset`. */
  expected?: Expected;
  /** Compare one part of the value split on `separator` (sshd `MaxStartups 10:30:60`). */
  part?: { separator: string; index: number };
  ignoreCase?: boolean;
  /** Outcome when the value is set nowhere; FAILED unless said. */
  ifMissing?: IfMissing;
}

/** Lines of configuration (regular expressions over whole lines, comments and blanks removed). */
export interface LinesTest {
  lines: string;
  /** Exactly one of: `some` (a line matches), `none` (no line matches), `every` (every line selected by `where` matches). */
  some?: string;
  none?: string;
  every?: string;
  where?: string;
  ignoreCase?: boolean;
  /** Outcome when no file of the set exists; by default `some` fails, `none` and `every` pass. */
  ifMissing?: IfMissing;
}

/** Mode, owner and group of every path a `paths:` fact found. */
export interface PathsTest {
  paths: string;
  /** Octal permissions no path may exceed (`0640`: no bits outside rw-r-----). */
  maxMode?: string;
  owner?: readonly string[];
  group?: readonly string[];
  type?: 'file' | 'directory';
  /** `absent`: the test passes only when nothing is there. */
  absent?: true;
  /** Outcome when nothing is there (unless `absent`); FAILED unless said. */
  ifMissing?: IfMissing;
}

export interface FieldTest {
  op: CompareOp;
  expected: Expected;
}

/** Rows of a table fact (passwd, shadow, group, mounts, home directories). */
export interface RecordsTest {
  records: string;
  /** Rows the test looks at (all when absent): every field test must hold. */
  where?: Readonly<Record<string, FieldTest>>;
  /** Exactly one of: `some`, `none`, `every` (field tests each selected row must meet), `unique` (a field no two selected rows share). */
  some?: true;
  none?: true;
  every?: Readonly<Record<string, FieldTest>>;
  unique?: string;
}

export type Condition =
  | { all: readonly Condition[] }
  | { any: readonly Condition[] }
  | { not: Condition }
  | ValueTest
  | LinesTest
  | PathsTest
  | RecordsTest;
