import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors/usage-error.js';
import type { ConfigFile } from './config-file.js';
import { ConfigInvalidError } from './config-invalid-error.js';
import type { SettingValue } from './setting-kinds.js';
import { settingName, type Setting, type SettingTable, type SettingValues } from './setting-table.js';

/** Where a setting's value came from, highest precedence first. */
export type SettingOrigin = 'flag' | 'env' | 'file' | 'default' | 'unset';

export interface ResolvedSetting {
  readonly value: SettingValue | undefined;
  readonly origin: SettingOrigin;
  /** `flag --port`, `env VIGIL_PORT`, `file /etc/vigil/server.yaml:3`, `default`. */
  readonly source: string;
  /** The file the value is in, for a file form its consumer reads itself (`--enroll-token-file`). */
  readonly valueFile?: string;
  /** The file the value was read from at start (`--database-url-file`). */
  readonly readFrom?: string;
}

export interface ResolvedSettings<T extends SettingTable> {
  readonly values: SettingValues<T>;
  readonly rows: { readonly [K in keyof T]: ResolvedSetting };
  /** Secrets given where `ps` shows them: said on stderr, but still taken (they worked before). */
  readonly warnings: readonly string[];
}

export interface SettingInputs {
  /** Flags given on the command line (not commander defaults), by flag: values already parsed. */
  readonly flags: ReadonlyMap<string, unknown>;
  readonly env: NodeJS.ProcessEnv;
  readonly file?: ConfigFile;
}

/** A value or a file holding it, as one level (flags, env, file) gives it. */
type Found =
  | { readonly value: SettingValue; readonly source: string }
  | { readonly path: string; readonly source: string };

/**
 * Merges the sources: flag > environment > config file > default. A setting with a file form
 * (`--database-url-file`) takes the value or the file from the highest level that has either; both at
 * one level is an error, never a silent pick.
 */
export function resolveSettings<T extends SettingTable>(
  table: T,
  inputs: SettingInputs,
): ResolvedSettings<T> {
  const values: Record<string, SettingValue | undefined> = {};
  const rows: Record<string, ResolvedSetting> = {};
  const warnings: string[] = [];
  for (const [key, setting] of Object.entries(table)) {
    const row = resolveOne(setting, inputs);
    if (row.origin === 'unset' && setting.required)
      throw new UsageError(
        `${setting.flag} is required (${[setting.env, setting.fileKey && `${setting.fileKey}: in the config file`].filter(Boolean).join(', or ')})`,
      );
    // A value read from a file of its own (the file form) is where a secret belongs: no warning.
    const inOwnFile = row.readFrom !== undefined || row.valueFile !== undefined;
    const warning = inOwnFile
      ? undefined
      : row.origin === 'flag'
        ? plainSecretWarning(setting, row.value)
        : row.origin === 'file' && inputs.file
          ? readableSecretWarning(setting, row, inputs.file)
          : undefined;
    if (warning) warnings.push(warning);
    values[key] = row.value;
    rows[key] = row;
  }
  return { values: values as SettingValues<T>, rows: rows as ResolvedSettings<T>['rows'], warnings };
}

function resolveOne(setting: Setting, inputs: SettingInputs): ResolvedSetting {
  const levels: Array<[SettingOrigin, Found | undefined, Found | undefined]> = [
    [
      'flag',
      fromFlag(setting.flag, inputs, false),
      setting.fileForm && fromFlag(setting.fileForm.flag, inputs, true),
    ],
    [
      'env',
      fromEnv(setting, setting.env, inputs.env, false),
      setting.fileForm && fromEnv(setting, setting.fileForm.env, inputs.env, true),
    ],
    [
      'file',
      fromFile(setting, setting.fileKey, inputs.file, false),
      setting.fileForm && fromFile(setting, setting.fileForm.fileKey, inputs.file, true),
    ],
  ];
  for (const [origin, direct, viaFile] of levels) {
    if (direct && viaFile) {
      const message = `${settingName(setting)} is given twice: ${direct.source} and ${viaFile.source}; give one`;
      throw origin === 'flag' ? new UsageError(message) : new ConfigInvalidError(message, { source: origin });
    }
    if (direct && 'value' in direct) return { value: direct.value, origin, source: direct.source };
    if (viaFile && 'path' in viaFile) return readValueFile(setting, viaFile.path, origin, viaFile.source);
  }
  if (setting.default !== undefined) return { value: setting.default, origin: 'default', source: 'default' };
  // The consumer picks it (one per core…): said as the README says it.
  if (setting.defaultDoc !== undefined)
    return { value: undefined, origin: 'default', source: `default (${setting.defaultDoc})` };
  return { value: undefined, origin: 'unset', source: 'unset' };
}

function fromFlag(flag: string, inputs: SettingInputs, isPath: boolean): Found | undefined {
  if (!inputs.flags.has(flag)) return undefined;
  const value = inputs.flags.get(flag) as SettingValue;
  return isPath ? { path: String(value), source: `flag ${flag}` } : { value, source: `flag ${flag}` };
}

/** An empty variable counts as unset (`VIGIL_X=` in a unit file clears it). */
function fromEnv(
  setting: Setting,
  name: string | undefined,
  env: NodeJS.ProcessEnv,
  isPath: boolean,
): Found | undefined {
  const text = name === undefined ? undefined : env[name];
  if (name === undefined || text === undefined || text === '') return undefined;
  const source = `env ${name}`;
  if (isPath) return { path: text, source };
  const parsed = setting.kind.fromText(text);
  if ('problem' in parsed)
    throw new ConfigInvalidError(`${name}: ${said(setting, parsed.problem)}`, { source, path: name });
  return { value: parsed.value, source };
}

function fromFile(
  setting: Setting,
  key: string | undefined,
  file: ConfigFile | undefined,
  isPath: boolean,
): Found | undefined {
  const entry = key === undefined ? undefined : file?.entries.get(key);
  if (key === undefined || file === undefined || entry === undefined) return undefined;
  const source = `file ${file.path}:${entry.line}`;
  const fail = (why: string): never => {
    throw new ConfigInvalidError(`config file ${file.path}:${entry.line}: ${key}: ${why}`, {
      source: file.path,
      path: key,
      line: entry.line,
    });
  };
  if (isPath)
    return typeof entry.value === 'string' && entry.value !== ''
      ? { path: entry.value, source }
      : fail('expected a file path');
  const parsed = setting.kind.fromFile(entry.value);
  return 'problem' in parsed ? fail(said(setting, parsed.problem)) : { value: parsed.value, source };
}

/** A secret's file: read now (`at-start`), or passed on for its consumer to read when it needs it. */
function readValueFile(
  setting: Setting,
  path: string,
  origin: SettingOrigin,
  source: string,
): ResolvedSetting {
  if (setting.fileForm?.read === 'by-consumer') return { value: undefined, origin, source, valueFile: path };
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trimEnd();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigInvalidError(`${source}: cannot read ${path} (${code})`, { source, path });
  }
  const parsed = setting.kind.fromText(text);
  if ('problem' in parsed)
    throw new ConfigInvalidError(`${source}: the file ${path}: ${said(setting, parsed.problem)}`, {
      source,
      path,
    });
  return { value: parsed.value, origin, source: `${source} (${path})`, readFrom: path };
}

/** A problem as the error says it: without the value when the value may be a secret. */
function said(setting: Setting, problem: string): string {
  return setting.secret === undefined ? problem : problem.replace(/, got .*/s, '');
}

/** `--enroll-token ve_…` or `--database postgres://u:pw@…`: other users of the host see it in `ps`. */
function plainSecretWarning(setting: Setting, value: SettingValue | undefined): string | undefined {
  if (setting.secret === undefined || typeof value !== 'string') return undefined;
  if (setting.secret === 'url-password' && !urlHasPassword(value)) return undefined;
  const better = [setting.fileForm?.flag, setting.env].filter(Boolean).join(' or ');
  return `warning: ${setting.flag} puts a secret where ps shows it to every user of this host; use ${better} instead`;
}

/** A secret written into a config file that other users of the host can read. */
function readableSecretWarning(setting: Setting, row: ResolvedSetting, file: ConfigFile): string | undefined {
  if ((file.mode & 0o077) === 0) return undefined;
  if (setting.secret === undefined || typeof row.value !== 'string') return undefined;
  if (setting.secret === 'url-password' && !urlHasPassword(row.value)) return undefined;
  const mode = file.mode.toString(8).padStart(4, '0');
  return `warning: ${file.path} holds a secret (${settingName(setting)}) and other users can read it (mode ${mode}); chmod 600 it or give ${setting.fileForm?.fileKey ?? 'the environment variable'} instead`;
}

export function urlHasPassword(text: string): boolean {
  try {
    const url = new URL(text);
    return url.password !== '' || url.searchParams.has('password');
  } catch {
    return false;
  }
}
