import type { SettingValue } from './setting-kinds.js';
import { settingName, type Setting, type SettingTable } from './setting-table.js';
import type { ResolvedSettings } from './settings-resolve.js';

const REDACTED = '(redacted)';

/**
 * `--print-config`: every setting's effective value and where it came from, as JSON (for people and
 * for `jq`). Secrets are redacted: a secret value entirely, a URL's password and `password=` parameter.
 */
export function printableSettings<T extends SettingTable>(
  table: T,
  resolved: ResolvedSettings<T>,
  configFile: string | undefined,
): string {
  const settings: Record<string, { value: unknown; source: string }> = {};
  for (const [key, setting] of Object.entries(table)) {
    const row = resolved.rows[key as keyof T];
    const value = row.valueFile !== undefined ? `(read from ${row.valueFile})` : redact(setting, row.value);
    settings[settingName(setting)] = { value: value ?? null, source: row.source };
  }
  return `${JSON.stringify({ configFile: configFile ?? null, settings }, null, 2)}\n`;
}

export function redact(setting: Setting, value: SettingValue | undefined): SettingValue | undefined {
  if (value === undefined || setting.secret === undefined) return value;
  if (setting.secret === 'value') return REDACTED;
  return typeof value === 'string' ? redactUrl(value) : value;
}

/** A URL without its password; text that does not parse as a URL is redacted whole (it may be one). */
function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return REDACTED;
  }
  if (url.password !== '') url.password = 'REDACTED';
  if (url.searchParams.has('password')) url.searchParams.set('password', 'REDACTED');
  return url.href;
}

/** The README's configuration table of one command, generated from its settings table. */
export function settingsMarkdown(table: SettingTable): string {
  const lines = [
    '| setting | config file | flag | environment | type | default | description |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const setting of Object.values(table)) {
    const flags = [setting.flag, setting.fileForm?.flag].filter((x): x is string => x !== undefined);
    const envs = [setting.env, setting.fileForm?.env].filter((x): x is string => x !== undefined);
    const keys = [setting.fileKey, setting.fileForm?.fileKey].filter((x): x is string => x !== undefined);
    const cells = [
      settingName(setting),
      keys.length > 0 ? keys.map(code).join(', ') : '—',
      flags.map(code).join(', '),
      envs.length > 0 ? envs.map(code).join(', ') : '—',
      setting.kind.name,
      defaultText(setting),
      describe(setting),
    ];
    lines.push(`| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function defaultText(setting: Setting): string {
  if (setting.required) return 'required';
  if (setting.defaultDoc !== undefined) return setting.defaultDoc;
  if (setting.default === undefined) return '—';
  if (Array.isArray(setting.default))
    return setting.default.length === 0 ? 'none' : setting.default.join(', ');
  return code(String(setting.default));
}

function describe(setting: Setting): string {
  const notes: string[] = [];
  const instead = setting.fileForm ? 'the file form' : 'the environment variable';
  if (setting.secret === 'value') notes.push(`**secret**: give ${instead}; the plain flag warns`);
  if (setting.secret === 'url-password')
    notes.push(`a password in it is a **secret**: give ${instead}; the plain flag then warns`);
  if (setting.fileForm?.read === 'by-consumer') notes.push('the file is read again at each use');
  return [setting.description, ...notes].join('; ');
}

const code = (text: string): string => `\`${text}\``;
