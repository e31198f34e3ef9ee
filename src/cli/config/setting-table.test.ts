import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { AGENT_DEFAULTS } from '../../agent/agent-config.js';
import { DEFAULT_SERVICE_CONFIG } from '../../jobs/service-context.js';
import { AGENT_SETTINGS } from './agent-settings.js';
import { SERVER_SETTINGS, WORKER_SETTINGS } from './server-settings.js';
import { addSettingOptions } from './setting-options.js';
import type { SettingTable } from './setting-table.js';
import { withSettingsTables } from './settings-readme.js';

const TABLES: Array<[string, SettingTable]> = [
  ['server', SERVER_SETTINGS],
  ['worker', WORKER_SETTINGS],
  ['agent', AGENT_SETTINGS],
];

describe.each(TABLES)('the %s settings table', (_name, table) => {
  it('keys each row by the commander attribute of its flag (the action reads options by it)', () => {
    for (const [key, setting] of Object.entries(table))
      expect(new Option(setting.flag).attributeName(), key).toBe(key);
  });

  it('has one flag, env var and file key per row, none shared, every env var VIGIL_…', () => {
    const flags = Object.values(table).flatMap((s) => [s.flag, s.fileForm?.flag ?? []].flat());
    const envs = Object.values(table).flatMap((s) => [s.env ?? [], s.fileForm?.env ?? []].flat());
    const keys = Object.values(table).flatMap((s) => [s.fileKey ?? [], s.fileForm?.fileKey ?? []].flat());
    for (const list of [flags, envs, keys]) expect(new Set(list).size).toBe(list.length);
    for (const env of [...envs, 'VIGIL_CONFIG']) expect(env).toMatch(/^VIGIL_[A-Z0-9_]+$/);
    expect(keys).not.toContain('config');
    // commander refuses two options with one flag: the table and --config/--print-config register together.
    expect(() => addSettingOptions(new Command('x'), table)).not.toThrow();
  });

  it('has defaults its own kind accepts (a default is never a value the flag would refuse)', () => {
    for (const setting of Object.values(table)) {
      if (setting.default === undefined) continue;
      const parsed = setting.kind.fromFile(setting.default);
      expect(parsed, setting.flag).toEqual({ value: setting.default });
    }
  });
});

it('the server table defaults are the service defaults (DEFAULT_SERVICE_CONFIG), so README and --help say true', () => {
  const d = DEFAULT_SERVICE_CONFIG;
  const s = SERVER_SETTINGS;
  expect({
    pollIntervalMs: s.pollIntervalMs.default,
    webhookBackoffMs: s.webhookBackoffMs.default,
    webhookMaxBackoffMs: s.webhookMaxBackoffMs.default,
    webhookMaxAttempts: s.webhookMaxAttempts.default,
    webhookTimeoutMs: s.webhookTimeoutMs.default,
    retentionDays: s.retentionDays.default,
    rateLimitPerMinute: s.rateLimitPerMinute.default,
    authFailuresPerMinute: s.authFailuresPerMinute.default,
    sessionTtlMinutes: s.sessionTtlMinutes.default,
    scanTimeoutMs: s.scanTimeoutMs.default,
    agentCheckinIntervalSeconds: s.checkinInterval.default,
    vulnDbUploadMaxBytes: s.importMaxBytes.default,
    egressAllow: s.egressAllow.default,
    egressConnectTimeoutMs: s.egressConnectTimeoutMs.default,
    egressHeadersTimeoutMs: s.egressHeadersTimeoutMs.default,
    egressIdleTimeoutMs: s.egressIdleTimeoutMs.default,
    egressMinBytesPerSecond: s.egressMinBytesPerSecond.default,
  }).toEqual({
    pollIntervalMs: d.pollIntervalMs,
    webhookBackoffMs: d.webhookBackoffMs,
    webhookMaxBackoffMs: d.webhookMaxBackoffMs,
    webhookMaxAttempts: d.webhookMaxAttempts,
    webhookTimeoutMs: d.webhookTimeoutMs,
    retentionDays: d.retentionDays,
    rateLimitPerMinute: d.rateLimitPerMinute,
    authFailuresPerMinute: d.authFailuresPerMinute,
    sessionTtlMinutes: d.sessionTtlMinutes,
    scanTimeoutMs: d.scanTimeoutMs,
    agentCheckinIntervalSeconds: d.agentCheckinIntervalSeconds,
    vulnDbUploadMaxBytes: d.vulnDbUploadMaxBytes,
    egressAllow: d.egressAllow,
    egressConnectTimeoutMs: d.egressConnectTimeoutMs,
    egressHeadersTimeoutMs: d.egressHeadersTimeoutMs,
    egressIdleTimeoutMs: d.egressIdleTimeoutMs,
    egressMinBytesPerSecond: d.egressMinBytesPerSecond,
  });
  expect(AGENT_SETTINGS.root.default).toBe(AGENT_DEFAULTS.root);
  expect(AGENT_SETTINGS.stateDir.default).toBe(AGENT_DEFAULTS.stateDir);
  expect(AGENT_SETTINGS.interval.default).toBe(AGENT_DEFAULTS.interval);
  expect(AGENT_SETTINGS.maxBackoff.default).toBe(AGENT_DEFAULTS.maxBackoff);
  expect(AGENT_SETTINGS.timeout.default).toBe(AGENT_DEFAULTS.timeout);
});

it('the README configuration tables are the settings tables (run scripts/readme-settings.ts after a change)', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  expect(withSettingsTables(readme)).toBe(readme);
  expect(readme).toContain(
    '| retention_days | `retention_days` | `--retention-days` | `VIGIL_RETENTION_DAYS` |',
  );
});
