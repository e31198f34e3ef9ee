import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { AGENT_SETTINGS } from './agent-settings.js';
import { readConfigFile } from './config-file.js';
import { SERVER_SETTINGS } from './server-settings.js';
import { fileKeys } from './setting-options.js';
import { printableSettings } from './settings-print.js';
import { resolveSettings, type SettingInputs } from './settings-resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sample = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;
const serverFile = (name: string) => readConfigFile(sample(name), fileKeys(SERVER_SETTINGS));

function written(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const server = (inputs: Partial<SettingInputs>) =>
  resolveSettings(SERVER_SETTINGS, { flags: new Map(), env: {}, ...inputs });

function thrown(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('precedence: flag > environment > config file > default', () => {
  it('takes each setting from the highest source that has it and says which', () => {
    const file = serverFile('server-all-kinds.yaml');
    const r = server({
      flags: new Map<string, unknown>([['--port', 7000]]),
      env: { VIGIL_PORT: '7100', VIGIL_RETENTION_DAYS: '9', VIGIL_HOST: '' },
      file,
    });
    expect(r.values.port).toBe(7000);
    expect(r.rows.port.source).toBe('flag --port');
    expect(r.values.retentionDays).toBe(9);
    expect(r.rows.retentionDays.source).toBe('env VIGIL_RETENTION_DAYS');
    expect(r.values.role).toBe('worker');
    // The table types each value: a role is one of the roles, not any text.
    expectTypeOf(r.values.role).toEqualTypeOf<'api' | 'worker' | 'scheduler' | 'all'>();
    expectTypeOf(r.values.port).toEqualTypeOf<number>();
    expectTypeOf(r.values.db).toEqualTypeOf<string | undefined>();
    expect(r.rows.role.source).toBe(`file ${sample('server-all-kinds.yaml')}:2`);
    expect(r.values.logRequests).toBe(true);
    expect(r.values.checkinInterval).toBe(300);
    expect(r.values.egressAllow).toEqual(['127.0.0.1', 'registry.internal']);
    expect(r.values.updateSource).toEqual(['osv', 'debian']);
    // An empty variable counts as unset: the default.
    expect(r.values.host).toBe('127.0.0.1');
    expect(r.rows.host.origin).toBe('default');
    expect(r.rows.workerThreads).toEqual({
      value: undefined,
      origin: 'default',
      source: 'default (one per core)',
    });
    expect(r.rows.updateCron).toEqual({ value: undefined, origin: 'unset', source: 'unset' });
  });

  it('parses environment text by kind: lists, switches, durations', () => {
    const r = server({
      env: {
        VIGIL_EGRESS_ALLOW: '10.0.0.0/8, a.internal b.internal',
        VIGIL_LOG_REQUESTS: 'on',
        VIGIL_CHECKIN_INTERVAL: '2h',
      },
    });
    expect(r.values.egressAllow).toEqual(['10.0.0.0/8', 'a.internal', 'b.internal']);
    expect(r.values.logRequests).toBe(true);
    expect(r.values.checkinInterval).toBe(7200);
  });
});

describe('bad values from the environment or the file', () => {
  it.each([
    [{ VIGIL_PORT: '70000' }, 'VIGIL_PORT: expected an integer 0–65535, got "70000"'],
    [{ VIGIL_LOG_REQUESTS: 'maybe' }, 'VIGIL_LOG_REQUESTS: expected true or false, got "maybe"'],
    [
      { VIGIL_ROLE: 'everything' },
      'VIGIL_ROLE: expected one of api, worker, scheduler, all, got "everything"',
    ],
    [
      { VIGIL_CHECKIN_INTERVAL: '5 weeks' },
      'VIGIL_CHECKIN_INTERVAL: expected a duration such as 30m or 2s, got "5 weeks"',
    ],
  ])('%j is CONFIG_INVALID: %s', (env, message) => {
    expect(thrown(() => server({ env }))).toMatchObject({ code: 'CONFIG_INVALID', message });
  });

  it('a value of the wrong YAML type names the file, line and key', () => {
    const file = serverFile('wrong-type.yaml');
    expect(thrown(() => server({ file }))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `config file ${sample('wrong-type.yaml')}:2: log_requests: expected true or false, got a string`,
    });
    const list = serverFile('list-item.yaml');
    expect(thrown(() => server({ file: list })).message).toBe(
      `config file ${sample('list-item.yaml')}:1: egress_allow: item 1: expected non-empty text, got 5`,
    );
  });
});

describe('secrets and their file forms', () => {
  const url = 'postgres://vigil:s3cret@db.internal:5432/vigil';

  it('reads database_url_file once, without its trailing newline, and prints the URL without its password', () => {
    const secret = written('db-url', `${url}\n`);
    const r = server({ env: { VIGIL_DATABASE_URL_FILE: secret } });
    expect(r.values.database).toBe(url);
    expect(r.rows.database.source).toBe(`env VIGIL_DATABASE_URL_FILE (${secret})`);
    const printed = printableSettings(SERVER_SETTINGS, r, undefined);
    expect(printed).not.toContain('s3cret');
    const shown = JSON.parse(printed) as { settings: Record<string, { value: unknown }> };
    expect(shown.settings['database_url']?.value).toBe('postgres://vigil:REDACTED@db.internal:5432/vigil');
  });

  it('a value and its file form from one source is an error; from two, the higher wins', () => {
    const secret = written('db-url-2', url);
    expect(
      thrown(() =>
        server({ env: { VIGIL_DATABASE_URL: 'sqlite:/tmp/x.sqlite', VIGIL_DATABASE_URL_FILE: secret } }),
      ),
    ).toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        'database_url is given twice: env VIGIL_DATABASE_URL and env VIGIL_DATABASE_URL_FILE; give one',
    });
    const r = server({
      flags: new Map([['--database-url-file', secret]]),
      env: { VIGIL_DATABASE_URL: 'sqlite:/tmp/x.sqlite' },
    });
    expect(r.values.database).toBe(url);
    // The file form on the command line shows only a path in ps: no warning.
    expect(r.warnings).toEqual([]);
  });

  it('an unreadable secret file stops the start without printing what it holds', () => {
    expect(thrown(() => server({ env: { VIGIL_DATABASE_URL_FILE: join(dir, 'missing') } })).message).toBe(
      `env VIGIL_DATABASE_URL_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
    );
  });

  it('a password on the command line warns (ps shows it); one without does not', () => {
    const flagged = (value: string) => server({ flags: new Map([['--database', value]]) }).warnings;
    expect(flagged(url)).toEqual([
      'warning: --database puts a secret where ps shows it to every user of this host; use --database-url-file or VIGIL_DATABASE_URL instead',
    ]);
    expect(flagged('postgres://vigil@db.internal/vigil?password=x')).toHaveLength(1);
    expect(flagged('sqlite:/var/lib/vigil/vigil.sqlite')).toEqual([]);
    expect(server({ env: { VIGIL_DATABASE_URL: url } }).warnings).toEqual([]);
  });

  it('the agent passes its token file on (read at each enrollment) and redacts a plain token', () => {
    const agent = (inputs: Partial<SettingInputs>) =>
      resolveSettings(AGENT_SETTINGS, {
        flags: new Map(),
        env: { VIGIL_SERVER: 'https://vigil.example' },
        ...inputs,
      });
    const viaFile = agent({
      env: { VIGIL_SERVER: 'https://vigil.example', VIGIL_ENROLL_TOKEN_FILE: '/run/secrets/token' },
    });
    expect(viaFile.rows.enrollToken).toMatchObject({
      value: undefined,
      valueFile: '/run/secrets/token',
      origin: 'env',
    });
    const plain = agent({ flags: new Map([['--enroll-token', 've_plain_token']]) });
    expect(plain.values.enrollToken).toBe('ve_plain_token');
    expect(plain.warnings[0]).toMatch(/^warning: --enroll-token puts a secret where ps shows it/);
    expect(printableSettings(AGENT_SETTINGS, plain, undefined)).not.toContain('ve_plain_token');
    expect(thrown(() => resolveSettings(AGENT_SETTINGS, { flags: new Map(), env: {} }))).toMatchObject({
      code: 'USAGE',
      message: '--server is required (VIGIL_SERVER, or server: in the config file)',
    });
  });
});
