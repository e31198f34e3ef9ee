import type { CollectContext } from './collect-context.js';
import type { FactResult } from './fact-model.js';
import { readAccounts } from './readers/accounts-reader.js';
import { readPackage } from './readers/dpkg-status-reader.js';
import { readHomes } from './readers/homes-reader.js';
import { readKernelNx } from './readers/kernel-nx-reader.js';
import { KV_SETS, readKeyValue } from './readers/key-value-reader.js';
import { LINE_SETS, readFileLines, readLineSet } from './readers/line-sets.js';
import { readMounts } from './readers/mounts-reader.js';
import { readPamStack } from './readers/pam-reader.js';
import { readPaths } from './readers/paths-reader.js';
import { readSshdOption } from './readers/sshd-config-reader.js';
import { readSysctl } from './readers/sysctl-reader.js';
import { readUnit } from './readers/units-reader.js';

/** The shape of fact a kind gives, so the evaluator can tell a test that reads the wrong kind. */
export type FactShape = 'value' | 'lines' | 'paths' | 'records';

interface FactKind {
  shape: FactShape;
  /** Whether an argument is one this kind can read (the contract test holds every check to it). */
  validArg(arg: string): boolean;
  read(arg: string, ctx: CollectContext): Promise<FactResult>;
}

const RECORD_TABLES = new Set(['passwd', 'shadow', 'group', 'gshadow', 'mounts', 'homes']);
const absolute = (arg: string) => arg.startsWith('/') && !arg.includes('..') && !arg.includes('\0');

/**
 * Every kind of fact a check can ask for, keyed `kind:argument` (`sysctl:net.ipv4.ip_forward`,
 * `kv:pwquality:minlen`, `paths:/etc/cron.d`). The explicit list is the collector's whole vocabulary.
 */
export const FACT_KINDS: Readonly<Record<string, FactKind>> = {
  sysctl: { shape: 'value', validArg: (a) => /^[a-z0-9_]+(\.[a-z0-9_*-]+)+$/.test(a), read: readSysctl },
  sshd: { shape: 'value', validArg: (a) => /^[a-z0-9]+$/.test(a), read: readSshdOption },
  'login.defs': {
    shape: 'value',
    validArg: (a) => /^[A-Z_]+$/.test(a),
    read: (a, ctx) => readKeyValue('login.defs', a, ctx),
  },
  kv: {
    shape: 'value',
    validArg: (a) => splitKv(a) !== undefined,
    read: (a, ctx) => {
      const [set, key] = splitKv(a) ?? ['', ''];
      return readKeyValue(set, key, ctx);
    },
  },
  unit: {
    shape: 'value',
    validArg: (a) => /\.(service|socket|timer|mount|target|path)$/.test(a),
    read: readUnit,
  },
  package: { shape: 'value', validArg: (a) => /^[a-z0-9][a-z0-9+.-]+$/.test(a), read: readPackage },
  kernel: { shape: 'value', validArg: (a) => a === 'nx', read: (_a, ctx) => readKernelNx(ctx) },
  lines: { shape: 'lines', validArg: (a) => a in LINE_SETS, read: readLineSet },
  file: { shape: 'lines', validArg: absolute, read: readFileLines },
  pam: { shape: 'lines', validArg: (a) => /^[a-z0-9._-]+$/.test(a), read: readPamStack },
  paths: { shape: 'paths', validArg: absolute, read: readPaths },
  records: {
    shape: 'records',
    validArg: (a) => RECORD_TABLES.has(a),
    read: (a, ctx) =>
      a === 'mounts' ? readMounts(ctx) : a === 'homes' ? readHomes(ctx) : readAccounts(a, ctx),
  },
};

function splitKv(arg: string): [string, string] | undefined {
  const i = arg.indexOf(':');
  if (i < 0) return undefined;
  const set = arg.slice(0, i);
  const key = arg.slice(i + 1);
  return set in KV_SETS && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? [set, key] : undefined;
}

export function parseFactKey(key: string): { kind: string; arg: string } | undefined {
  const i = key.indexOf(':');
  if (i <= 0) return undefined;
  const kind = key.slice(0, i);
  const arg = key.slice(i + 1);
  const spec = FACT_KINDS[kind];
  return spec && spec.validArg(arg) ? { kind, arg } : undefined;
}

export function factShape(key: string): FactShape | undefined {
  const parsed = parseFactKey(key);
  return parsed ? FACT_KINDS[parsed.kind]?.shape : undefined;
}
