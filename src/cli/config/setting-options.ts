import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import type { CliIo } from '../cli-io.js';
import type { SettingValue } from './setting-kinds.js';
import { settingName, type Setting, type SettingTable } from './setting-table.js';
import type { ResolvedSettings } from './settings-resolve.js';

const CONFIG_ENV = 'VIGIL_CONFIG';

/**
 * Adds a command's options from its settings table — one per setting, one per file form — and the
 * two that are not settings: `--config FILE` (or VIGIL_CONFIG) and `--print-config`. Flags have no
 * commander defaults, so that a flag given on the command line is told apart from one left out.
 */
export function addSettingOptions(cmd: Command, table: SettingTable): Command {
  for (const setting of Object.values(table)) {
    const option = new Option(setting.arg ? `${setting.flag} ${setting.arg}` : setting.flag, helpOf(setting));
    if (setting.arg && !setting.variadic) option.argParser((text: string) => parseFlag(setting, text));
    cmd.addOption(option);
    if (setting.fileForm)
      cmd.addOption(
        new Option(
          `${setting.fileForm.flag} <file>`,
          `file holding ${settingName(setting)} [$${setting.fileForm.env}]`,
        ),
      );
  }
  return cmd
    .option('--config <file>', `YAML config file (flags > environment > file > defaults) [$${CONFIG_ENV}]`)
    .option(
      '--print-config',
      'print the effective settings and where each came from (secrets redacted), then exit',
    );
}

/**
 * The settings of a command run: its flags, the environment and its config file merged. Warnings go
 * to stderr; with `--print-config` the settings go to stdout and `printed` tells the action to stop.
 */
export async function loadSettings<T extends SettingTable>(
  cmd: Command,
  table: T,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ settings: ResolvedSettings<T>; printed: boolean }> {
  // Loaded when a command runs, not when it registers: `--help` stays light (startup-modules.test.ts).
  const [{ readConfigFile }, { resolveSettings }, { printableSettings }] = await Promise.all([
    import('./config-file.js'),
    import('./settings-resolve.js'),
    import('./settings-print.js'),
  ]);
  const opts = cmd.opts<{ config?: string; printConfig?: boolean }>();
  const configPath = opts.config ?? (env[CONFIG_ENV] || undefined);
  const file = configPath === undefined ? undefined : readConfigFile(configPath, fileKeys(table));
  const settings = resolveSettings(table, { flags: givenFlags(cmd, table), env, ...(file ? { file } : {}) });
  for (const warning of settings.warnings) io.stderr.write(`${warning}\n`);
  if (opts.printConfig) io.stdout.write(printableSettings(table, settings, configPath));
  return { settings, printed: opts.printConfig === true };
}

/** Every key a config file of this command may hold. */
export function fileKeys(table: SettingTable): Set<string> {
  const keys = new Set<string>();
  for (const setting of Object.values(table)) {
    if (setting.fileKey) keys.add(setting.fileKey);
    if (setting.fileForm) keys.add(setting.fileForm.fileKey);
  }
  return keys;
}

/** Only the flags typed on the command line, by flag name. */
function givenFlags(cmd: Command, table: SettingTable): Map<string, unknown> {
  const given = new Map<string, unknown>();
  const opts = cmd.opts();
  for (const setting of Object.values(table))
    for (const flag of [setting.flag, setting.fileForm?.flag]) {
      if (flag === undefined) continue;
      const name = new Option(flag).attributeName();
      if (cmd.getOptionValueSource(name) === 'cli') given.set(flag, opts[name]);
    }
  return given;
}

function parseFlag(setting: Setting, text: string): SettingValue {
  const parsed = setting.kind.fromText(text);
  if ('problem' in parsed)
    throw new UsageError(
      `${setting.flag}: ${setting.secret ? parsed.problem.replace(/, got .*/s, '') : parsed.problem}`,
    );
  return parsed.value;
}

function helpOf(setting: Setting): string {
  const def = setting.required
    ? 'required'
    : (setting.defaultDoc ??
      (setting.default === undefined || (Array.isArray(setting.default) && setting.default.length === 0)
        ? undefined
        : String(setting.default as string | number | boolean)));
  const env = setting.env ? ` [$${setting.env}]` : '';
  return `${setting.description}${def === undefined ? '' : ` (default ${def})`}${env}`;
}
