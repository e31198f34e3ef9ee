/**
 * The facts an assessment reads, as one JSON document: what `vigil agent` will collect on a host and
 * send, and what the server evaluates with the same evaluator (facts in, results out, deterministic).
 * Keys are fact keys (`sysctl:net.ipv4.ip_forward`, `paths:/etc/shadow`, see fact-keys.ts). The shape
 * is checked by facts-validator.ts; the HTTP layer can publish it as a schema of its own.
 */
export const FACTS_SCHEMA_ID = 'vigil.assessment-facts/v1';

export interface ValueFact {
  type: 'value';
  /** Absent: set nowhere (and no default applies). */
  value?: string;
  /** Where the value was read: `file:line`, a /proc path, `sshd default`, a command. */
  origin?: string;
  /** Anything the reader wants a person to know (a Match block that overrides, a masked file). */
  note?: string;
}

export interface LinesFact {
  type: 'lines';
  /** Meaningful lines (comments and blanks removed, whitespace collapsed) with `file:line`. */
  lines: { text: string; origin: string }[];
  /** Files that were read, in the order they were read. Empty: none exists. */
  files: string[];
}

export interface PathEntry {
  path: string;
  type: 'file' | 'directory' | 'other';
  /** Permission bits as 4 octal digits (`0640`). */
  mode: string;
  uid: number;
  gid: number;
  /** Names from the target's own /etc/passwd and /etc/group (never this machine's). */
  user?: string;
  group?: string;
}

export interface PathsFact {
  type: 'paths';
  paths: PathEntry[];
}

export interface RecordsFact {
  type: 'records';
  rows: Record<string, string>[];
  origin: string;
}

export type FactValue = ValueFact | LinesFact | PathsFact | RecordsFact;

export type FactResult =
  | { status: 'ok'; fact: FactValue }
  /** The fact exists but could not be read safely (link out of the root, too large, binary): ERROR. */
  | { status: 'error'; reason: string }
  /** This target cannot show the fact (an image resolver without directory listing): SKIPPED. */
  | { status: 'unsupported'; reason: string };

/** `rootfs`: configuration files only; `host`: a live system (/proc, read-only commands). */
export type TargetMode = 'rootfs' | 'host';

export interface AssessmentFacts {
  schema: typeof FACTS_SCHEMA_ID;
  target: { description: string; mode: TargetMode };
  facts: Record<string, FactResult>;
}

export const ok = (fact: FactValue): FactResult => ({ status: 'ok', fact });
export const factError = (reason: string): FactResult => ({ status: 'error', reason });
export const unsupported = (reason: string): FactResult => ({ status: 'unsupported', reason });
