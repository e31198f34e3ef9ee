import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { configLines, filesIn, readText } from './safe-text.js';

/**
 * Key/value configuration sets. `files` are read in order and a later value replaces an earlier one
 * (drop-in directories after the main file, as pam_pwquality, systemd and shadow read them).
 */
interface KvSet {
  files: readonly string[];
  /** Drop-in directories whose `*.conf` files follow, sorted by name. */
  dropIns?: readonly string[];
  /** `=`: `key = value`; `space`: `KEY value` (login.defs). */
  separator: '=' | 'space';
  /** Only keys of this [section] count (systemd files). */
  section?: string;
  /** Keys compared case-insensitively. */
  foldCase?: boolean;
}

export const KV_SETS: Readonly<Record<string, KvSet>> = {
  'login.defs': { files: ['/etc/login.defs'], separator: 'space' },
  pwquality: {
    files: ['/etc/security/pwquality.conf'],
    dropIns: ['/etc/security/pwquality.conf.d'],
    separator: '=',
  },
  faillock: { files: ['/etc/security/faillock.conf'], separator: '=' },
  pwhistory: { files: ['/etc/security/pwhistory.conf'], separator: '=' },
  useradd: { files: ['/etc/default/useradd'], separator: '=' },
  'grub-default': { files: ['/etc/default/grub'], dropIns: ['/etc/default/grub.d'], separator: '=' },
  journald: {
    files: ['/etc/systemd/journald.conf'],
    dropIns: ['/usr/lib/systemd/journald.conf.d', '/etc/systemd/journald.conf.d'],
    separator: '=',
    section: 'Journal',
  },
  timesyncd: {
    files: ['/etc/systemd/timesyncd.conf'],
    dropIns: ['/usr/lib/systemd/timesyncd.conf.d', '/etc/systemd/timesyncd.conf.d'],
    separator: '=',
    section: 'Time',
  },
  auditd: { files: ['/etc/audit/auditd.conf'], separator: '=', foldCase: true },
  'journal-upload': {
    files: ['/etc/systemd/journal-upload.conf'],
    dropIns: ['/etc/systemd/journal-upload.conf.d'],
    separator: '=',
    section: 'Upload',
  },
};

interface KvTable {
  values: Map<string, { value: string; origin: string }>;
  files: string[];
  error?: string;
}

/** `kv:SET:KEY` (and `login.defs:KEY`): the value the program would use, with its `file:line`. */
export async function readKeyValue(set: string, key: string, ctx: CollectContext): Promise<FactResult> {
  const spec = KV_SETS[set];
  if (!spec) return factError(`unknown key/value set "${set}"`);
  const table = await ctx.memo(`kv:${set}`, () => loadSet(spec, ctx));
  if (table.error) return factError(table.error);
  const hit = table.values.get(spec.foldCase ? key.toLowerCase() : key);
  if (hit) return ok({ type: 'value', value: hit.value, origin: hit.origin });
  const where = table.files.length
    ? `read ${table.files.join(', ')}`
    : `${spec.files.join(', ')} does not exist`;
  return ok({ type: 'value', note: where });
}

async function loadSet(spec: KvSet, ctx: CollectContext): Promise<KvTable> {
  const table: KvTable = { values: new Map(), files: [] };
  const paths = [...spec.files];
  for (const dir of spec.dropIns ?? []) paths.push(...(await filesIn(ctx.resolver, dir, '*.conf')));
  for (const path of paths) {
    const read = await readText(ctx.resolver, path);
    if (read.kind === 'error') return { ...table, error: read.reason };
    if (read.kind === 'absent') continue;
    table.files.push(path);
    let section: string | undefined;
    for (const line of configLines(read.text, path, '#;')) {
      const header = /^\[(.+)\]$/.exec(line.text);
      if (header) {
        section = header[1];
        continue;
      }
      if (spec.section !== undefined && section !== spec.section) continue;
      const kv = splitKv(line.text, spec.separator);
      if (!kv) continue;
      const key = spec.foldCase ? kv[0].toLowerCase() : kv[0];
      table.values.set(key, { value: unquote(kv[1]), origin: line.origin });
    }
  }
  return table;
}

function splitKv(text: string, separator: KvSet['separator']): [string, string] | undefined {
  if (separator === 'space') {
    const m = /^(\S+)\s*(.*)$/.exec(text);
    return m ? [m[1] as string, m[2] as string] : undefined;
  }
  const eq = text.indexOf('=');
  // pwquality accepts a bare flag (`enforce_for_root`): present with an empty value.
  if (eq < 0) return /^\S+$/.test(text) ? [text, ''] : undefined;
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

function unquote(v: string): string {
  return /^"(.*)"$/.test(v) ? v.slice(1, -1) : v;
}
