import { describe, expect, it } from 'vitest';
import { readConfigFile } from './config-file.js';
import { ConfigInvalidError } from './config-invalid-error.js';
import { SERVER_SETTINGS } from './server-settings.js';
import { fileKeys } from './setting-options.js';

const KEYS = fileKeys(SERVER_SETTINGS);
const sample = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;

/** The error a config file raises, for its code, message and details. */
function refusal(name: string): ConfigInvalidError {
  let err: unknown;
  try {
    readConfigFile(sample(name), KEYS);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigInvalidError);
  return err as ConfigInvalidError;
}

describe('the YAML config file', () => {
  it('reads each key with its value as YAML types it and the line it is on', () => {
    const file = readConfigFile(sample('server-all-kinds.yaml'), KEYS);
    expect(Object.fromEntries(file.entries)).toEqual({
      role: { value: 'worker', line: 2 },
      port: { value: 9091, line: 3 },
      log_requests: { value: true, line: 4 },
      checkin_interval: { value: '5m', line: 5 },
      egress_allow: { value: ['127.0.0.1', 'registry.internal'], line: 6 },
      update_source: { value: ['osv', 'debian'], line: 9 },
      retention_days: { value: 7, line: 10 },
    });
  });

  it('refuses a key the command does not know, naming it, its line and the known keys', () => {
    const err = refusal('unknown-key.yaml');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details).toEqual({ source: sample('unknown-key.yaml'), path: 'retention', line: 2 });
    expect(err.message).toContain(`${sample('unknown-key.yaml')}:2: unknown key "retention"`);
    expect(err.message).toContain('retention_days');
  });

  it.each([
    ['duplicate-key.yaml', /is not valid YAML: Map keys must be unique/, 3],
    ['not-yaml.yaml', /is not valid YAML: /, 2],
  ])('refuses %s with its line', (name, message, line) => {
    const err = refusal(name);
    expect(err.message).toMatch(message);
    expect(err.details['line']).toBe(line);
  });

  it('refuses a file that is not a mapping, and one that cannot be read', () => {
    expect(refusal('not-a-mapping.yaml').message).toMatch(/must be a mapping of settings/);
    expect(refusal('no-such-file.yaml').message).toMatch(
      /cannot read config file .*no-such-file\.yaml \(ENOENT\)/,
    );
  });
});
