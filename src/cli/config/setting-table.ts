import type { SettingKind, SettingValue } from './setting-kinds.js';

/**
 * A setting that can also be given as a file holding the value (`--database-url-file`,
 * `VIGIL_DATABASE_URL_FILE`, `database_url_file:`), so a secret need never be typed on a command line
 * that `ps` shows. `at-start`: the file is read once when the command starts; `by-consumer`: only its
 * path is passed on, for a consumer that reads it again later (the agent re-reads its token file).
 */
export interface FileForm {
  readonly flag: string;
  readonly env: string;
  readonly fileKey: string;
  readonly read: 'at-start' | 'by-consumer';
}

/** One row of the configuration table: the single source its flag, env var and file key come from. */
export interface Setting<V extends SettingValue = SettingValue> {
  readonly kind: SettingKind<V>;
  readonly description: string;
  /** `--port`; `--no-network-facts` for a switch that is on by default. */
  readonly flag: string;
  /** The flag's argument as help shows it (`<ms>`); none for a switch. */
  readonly arg?: string;
  /** `--update-source a b c`: the flag takes several words. */
  readonly variadic?: boolean;
  /** `VIGIL_…`; absent when the setting has no environment form. */
  readonly env?: string;
  /** The key in the config file; absent when the file may not set it. */
  readonly fileKey?: string;
  readonly default?: V;
  /** The default as the README says it, when it depends on the machine (one per core…). */
  readonly defaultDoc?: string;
  readonly required?: boolean;
  /**
   * `value`: the whole value is secret (redacted when printed; its plain flag warns, since `ps` shows it).
   * `url-password`: only a URL's password is (a database or proxy URL).
   */
  readonly secret?: 'value' | 'url-password';
  readonly fileForm?: FileForm;
}

export type SettingTable = Readonly<Record<string, Setting>>;

/** The parsed value of each setting of a table: defined where the row has a default or is required. */
export type SettingValues<T extends SettingTable> = {
  readonly [K in keyof T]: T[K] extends Setting<infer V>
    ? T[K] extends { readonly default: SettingValue } | { readonly required: true }
      ? V
      : V | undefined
    : never;
};

type Spec<V extends SettingValue> = Omit<Setting<V>, 'kind' | 'flag' | 'env' | 'fileKey'> & {
  /** Default: `--` + the key in kebab case. */
  readonly flag?: string;
  /** Default: `VIGIL_` + the key in upper snake case; `false`: none. */
  readonly env?: string | false;
  /** Default: the key in snake case; `false`: the file may not set it. */
  readonly fileKey?: string | false;
};

/**
 * Builds the table from its rows, deriving each row's flag, env var and file key from its key
 * (`pollIntervalMs` → `--poll-interval-ms`, `VIGIL_POLL_INTERVAL_MS`, `poll_interval_ms`) unless the row
 * names its own (kept names from before the table: `--database`, `VIGIL_DB`). The key is also the
 * commander attribute name, which a test checks against each flag.
 */
export function settingTable<T extends Record<string, RowSpec>>(
  rows: T,
): { readonly [K in keyof T]: RowOf<T[K]> } {
  const table: Record<string, Setting> = {};
  for (const [key, row] of Object.entries(rows)) {
    const { env, fileKey, flag, ...rest } = row;
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    table[key] = {
      ...rest,
      flag: flag ?? `--${snake.replaceAll('_', '-')}`,
      ...(env === false ? {} : { env: env ?? `VIGIL_${snake.toUpperCase()}` }),
      ...(fileKey === false ? {} : { fileKey: fileKey ?? snake }),
    };
  }
  return table as { readonly [K in keyof T]: RowOf<T[K]> };
}

type RowSpec = Spec<SettingValue> & { readonly kind: SettingKind<SettingValue> };

/** One row, typed by its kind, so a default of the wrong type does not compile. */
export function row<V extends SettingValue, const S extends Spec<V>>(
  kind: SettingKind<V>,
  spec: S,
): S & { readonly kind: SettingKind<V> } {
  return { ...spec, kind };
}
type RowOf<R> = R extends { readonly kind: SettingKind<infer V> }
  ? Setting<V> &
      (R extends { readonly default: unknown } ? { readonly default: V } : unknown) &
      (R extends { readonly required: true } ? { readonly required: true } : unknown)
  : never;

/** A row's name everywhere it is shown (print-config, the README): its file key, else its flag. */
export function settingName(setting: Setting): string {
  return setting.fileKey ?? setting.flag.replace(/^--(no-)?/, '').replaceAll('-', '_');
}
