import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { readUnit, ROLE_UNITS, unitServerArgs } from '../deploy/deploy-files.js';
import { BIN, buildCli, REPO, runCli, type CliRun } from './built-cli.js';

/**
 * The configuration as an operator meets it: the built CLI run with flags, environment variables and
 * a YAML config file mixed, its effective settings read back with --print-config, its refusals read
 * from stderr and its exit code, and one real server started from a config file and the environment only.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-config-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => buildCli(), 300_000);

function written(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The environment of the test run without any VIGIL_… of its own, plus these. */
function envOf(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIL_')));
  return { ...env, ...vars };
}

/** `vigil ARGS` with exactly these VIGIL_… variables (`env -i`, then the rest of this process's environment). */
function vigil(vars: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const assignments = Object.entries(envOf(vars)).map(([k, v]) => `${k}=${v ?? ''}`);
  return runCli(args, { prefix: ['env', '-i', ...assignments] });
}

type Printed = { configFile: string | null; settings: Record<string, { value: unknown; source: string }> };

async function printed(
  vars: Record<string, string>,
  ...args: string[]
): Promise<{ run: CliRun; config: Printed }> {
  const run = await vigil(vars, ...args, '--print-config');
  expect(run.code, run.stderr).toBe(0);
  return { run, config: JSON.parse(run.stdout) as Printed };
}

describe('vigil server: flag > environment > config file > default', () => {
  it('--print-config shows each effective value and its source, the database password redacted', async () => {
    const secret = written('db-url', 'postgres://vigil:hunter2-db@db.internal:5432/vigil\n');
    const config = written(
      'server.yaml',
      [
        `database_url_file: ${secret}`,
        'port: 9090',
        'retention_days: 90',
        'log_requests: true',
        'egress_allow: [10.0.5.0/24, registry.internal]',
        'role: worker',
      ].join('\n'),
    );
    const { run, config: c } = await printed(
      { VIGIL_CONFIG: config, VIGIL_RETENTION_DAYS: '60', VIGIL_PORT: '9191', VIGIL_CHECKIN_INTERVAL: '5m' },
      'server',
      '--port',
      '9292',
      '--host',
      '0.0.0.0',
    );
    expect(c.configFile).toBe(config);
    const s = c.settings;
    expect(s['port']).toEqual({ value: 9292, source: 'flag --port' });
    expect(s['host']).toEqual({ value: '0.0.0.0', source: 'flag --host' });
    expect(s['retention_days']).toEqual({ value: 60, source: 'env VIGIL_RETENTION_DAYS' });
    expect(s['checkin_interval']).toEqual({ value: 300, source: 'env VIGIL_CHECKIN_INTERVAL' });
    expect(s['log_requests']).toEqual({ value: true, source: `file ${config}:4` });
    expect(s['egress_allow']).toEqual({
      value: ['10.0.5.0/24', 'registry.internal'],
      source: `file ${config}:5`,
    });
    expect(s['role']).toEqual({ value: 'worker', source: `file ${config}:6` });
    expect(s['database_url']).toEqual({
      value: 'postgres://vigil:REDACTED@db.internal:5432/vigil',
      source: `file ${config}:1 (${secret})`,
    });
    expect(s['rate_limit_per_minute']).toEqual({ value: 1200, source: 'default' });
    expect(s['worker_threads']).toEqual({ value: null, source: 'default (one per core)' });
    expect(run.stdout + run.stderr).not.toContain('hunter2-db');
    expect(run.stderr).toBe('');
  });

  it('--config on the command line wins over VIGIL_CONFIG; a --database with a password works but warns', async () => {
    const a = written('a.yaml', 'port: 1111\n');
    const b = written('b.yaml', 'port: 2222\n');
    const { run, config } = await printed(
      { VIGIL_CONFIG: a },
      'server',
      '--config',
      b,
      '--database',
      'postgres://vigil:hunter2-flag@db/vigil',
    );
    expect(config.settings['port']).toEqual({ value: 2222, source: `file ${b}:1` });
    expect(config.settings['database_url']?.value).toBe('postgres://vigil:REDACTED@db/vigil');
    expect(run.stderr).toBe(
      'warning: --database puts a secret where ps shows it to every user of this host; use --database-url-file or VIGIL_DATABASE_URL instead\n',
    );
    expect(run.stdout).not.toContain('hunter2-flag');
  });

  it('a password in a config file other users can read warns; in a 0600 file it does not', async () => {
    const text = 'database_url: postgres://vigil:hunter2-file@db/vigil\n';
    const open = written('open.yaml', text);
    chmodSync(open, 0o644);
    const loose = await printed({}, 'server', '--config', open);
    expect(loose.run.stderr).toBe(
      `warning: ${open} holds a secret (database_url) and other users can read it (mode 0644); chmod 600 it or give database_url_file instead\n`,
    );
    expect(loose.run.stdout).not.toContain('hunter2-file');
    const closed = written('closed.yaml', text);
    chmodSync(closed, 0o600);
    expect((await printed({}, 'server', '--config', closed)).run.stderr).toBe('');
  });

  it.each([
    [
      'an unknown key',
      'port: 8080\nretention: 30\n',
      {},
      /config file .*bad\.yaml:2: unknown key "retention" \(known: /,
    ],
    [
      'a value of the wrong type',
      'port: 8080\nlog_requests: "yes"\n',
      {},
      /bad\.yaml:2: log_requests: expected true or false, got a string/,
    ],
    ['text that is not YAML', 'port: [8080\n', {}, /bad\.yaml:2 is not valid YAML/],
    [
      'a bad environment value',
      'port: 8080\n',
      { VIGIL_SCAN_TIMEOUT_MS: '0' },
      /VIGIL_SCAN_TIMEOUT_MS: expected an integer ≥ 1, got "0"/,
    ],
    [
      'a value and its file form from one source',
      'database_url: sqlite:x\ndatabase_url_file: /x\n',
      {},
      /database_url is given twice: file .*:1 and file .*:2; give one/,
    ],
  ])('refuses %s: CONFIG_INVALID, exit 2, nothing started or printed', async (_name, yaml, vars, message) => {
    const config = written('bad.yaml', yaml);
    const run = await vigil({ VIGIL_CONFIG: config, ...vars }, 'server', '--print-config');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^vigil: error \[CONFIG_INVALID\]: /);
    expect(run.stderr).toMatch(message);
  });
});

describe('the deployed units', () => {
  it.each(Object.entries(ROLE_UNITS))(
    'the %s unit (%s): its command line is taken, the database URL from its systemd credential',
    async (role, name) => {
      const credentials = join(dir, `credentials-${role}`);
      mkdirSync(credentials, { recursive: true });
      writeFileSync(join(credentials, 'database-url'), 'postgres://vigil:hunter2-unit@db.internal/vigil\n');
      // unitServerArgs spells the credentials directory (%d) as the container's /run/secrets.
      const args = unitServerArgs(readUnit(name)).map((a) =>
        a.replace(/^\/run\/secrets\//, `${credentials}/`),
      );
      const { run, config } = await printed({}, 'server', ...args);
      expect(config.settings['role']).toEqual({ value: role, source: 'flag --role' });
      expect(config.settings['database_url']).toEqual({
        value: 'postgres://vigil:REDACTED@db.internal/vigil',
        source: `flag --database-url-file (${join(credentials, 'database-url')})`,
      });
      expect(config.settings['secret_key_file']?.value).toBe(join(credentials, 'secret-key'));
      expect(run.stderr).toBe('');
    },
  );
});

describe('vigil worker', () => {
  it('takes the server settings but role and port, from the same sources', async () => {
    const config = written('worker.yaml', 'scheduler_retry_ms: 2500\nhealth_port: 8081\n');
    const { config: c } = await printed({ VIGIL_SHUTDOWN_GRACE_MS: '0' }, 'worker', '--config', config);
    expect(c.settings['shutdown_grace_ms']).toEqual({ value: 0, source: 'env VIGIL_SHUTDOWN_GRACE_MS' });
    expect(c.settings['scheduler_retry_ms']).toEqual({ value: 2500, source: `file ${config}:1` });
    expect(c.settings['health_port']).toEqual({ value: 8081, source: `file ${config}:2` });
    expect(c.settings['role']).toBeUndefined();
    const shared = written('shared.yaml', 'role: api\nport: 8080\n');
    const refused = await vigil({}, 'worker', '--config', shared, '--print-config');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/shared\.yaml:1: unknown key "role"/);
    // The shared file serves a worker through `vigil server --role worker`: the flag wins over the file.
    const { config: s } = await printed({}, 'server', '--role', 'worker', '--config', shared);
    expect(s.settings['role']).toEqual({ value: 'worker', source: 'flag --role' });
  });
});

describe('vigil agent', () => {
  it('takes its server from the environment, its token file from the config file, a switch from a flag', async () => {
    const config = written(
      'agent.yaml',
      'enroll_token_file: /run/secrets/vigil-token\ninterval: 5m\nstate_dir: /srv/agent\n',
    );
    const { config: c } = await printed(
      { VIGIL_SERVER: 'https://vigil.example:8443', VIGIL_INTERVAL: '2m' },
      'agent',
      '--config',
      config,
      '--no-network-facts',
    );
    expect(c.settings['server']).toEqual({ value: 'https://vigil.example:8443', source: 'env VIGIL_SERVER' });
    expect(c.settings['enroll_token']).toEqual({
      value: '(read from /run/secrets/vigil-token)',
      source: `file ${config}:1`,
    });
    expect(c.settings['interval']).toEqual({ value: '2m', source: 'env VIGIL_INTERVAL' });
    expect(c.settings['state_dir']).toEqual({ value: '/srv/agent', source: `file ${config}:3` });
    expect(c.settings['network_facts']).toEqual({ value: false, source: 'flag --no-network-facts' });
  });

  it('a token on the command line works but warns and is never printed; the config file takes no plain token', async () => {
    const { run, config } = await printed(
      {},
      'agent',
      '--server',
      'http://127.0.0.1:1',
      '--enroll-token',
      've_cmdline_token',
    );
    expect(config.settings['enroll_token']).toEqual({ value: '(redacted)', source: 'flag --enroll-token' });
    expect(run.stderr).toMatch(/^warning: --enroll-token puts a secret where ps shows it/);
    expect(run.stdout).not.toContain('ve_cmdline_token');
    const inline = written('agent-token.yaml', 'server: http://127.0.0.1:1\nenroll_token: ve_in_file\n');
    const refused = await vigil({}, 'agent', '--config', inline, '--print-config');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/agent-token\.yaml:2: unknown key "enroll_token"/);
  });

  it('without a server from any source: a usage error naming all three', async () => {
    const run = await vigil({}, 'agent', '--print-config');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'vigil: error [USAGE]: --server is required (VIGIL_SERVER, or server: in the config file)\n',
    );
  });
});

describe('a real server from a config file and the environment only', () => {
  const vulnDb = join(dir, 'vulndb.sqlite');
  const sqlite = join(dir, 'from-config.sqlite');
  const keyFile = join(dir, 'keys', 'server.key');

  beforeAll(async () => {
    const v = await openVulnDb(vulnDb);
    await v.import(await batchesForPaths([join(REPO, 'test/server/testdata/osv')], 'osv'));
    await v.close();
  }, 120_000);

  it('listens where the file says, on the DB its secret file names, and enforces a limit set in the environment', async () => {
    const dbUrl = written('sqlite-url', `sqlite:${sqlite}\n`);
    const config = written(
      'real.yaml',
      `database_url_file: ${dbUrl}\nvulndb: ${vulnDb}\nsecret_key_file: ${keyFile}\nport: 0\n`,
    );
    const child = spawn(process.execPath, [BIN, 'server'], {
      cwd: dir,
      env: envOf({ VIGIL_CONFIG: config, VIGIL_RATE_LIMIT_PER_MINUTE: '2', VIGIL_HOST: '127.0.0.1' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString('utf8');
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (m?.[1]) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
      });
      expect(stderr).toContain(`made secret key ${keyFile}`);
      expect(existsSync(sqlite)).toBe(true);
      const created = await vigil(
        {},
        'admin',
        'create-key',
        '--account',
        'acct-1',
        '--database',
        `sqlite:${sqlite}`,
      );
      expect(created.code, created.stderr).toBe(0);
      const key = created.stdout.trim();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/v1/findings`, { headers: { authorization: `Bearer ${key}` } });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      // VIGIL_RATE_LIMIT_PER_MINUTE=2 reached the server: the third request in the minute is refused.
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
