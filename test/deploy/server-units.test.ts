import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from '../fixtures/required-tool.js';
import { ROLE_UNITS, SERVER_UNITS, SYSTEMD, one, readUnit, unitServerArgs } from './deploy-files.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'vigil-units-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Verified {
  code: number;
  stderr: string;
  exposure: number;
}

/**
 * `systemd-analyze verify` (Debian's systemd) on one unit file: it parses every setting and checks that
 * ExecStart's programme (/usr/bin/node) exists. It exits 0 on mere warnings, so stderr must be empty
 * too. `security --offline` rates the sandbox: 0 is locked down, 10 is exposed.
 */
async function verify(path: string): Promise<Verified> {
  const analyze = requireTool('systemd-analyze', 'systemd');
  const verified = await run(analyze, ['verify', '--man=no', path]).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (err: { code?: number; stderr?: string }) => ({ code: err.code ?? -1, stderr: err.stderr ?? '' }),
  );
  const { stdout } = await run(analyze, ['security', '--offline=true', path]);
  const exposure = Number(/exposure level for \S+: ([\d.]+)/.exec(stdout)?.[1]);
  return { code: verified.code, stderr: verified.stderr.trim(), exposure };
}

/** Hardening every server unit keeps (the agent's unit has its own test in test/agent). */
const HARDENING = [
  'User=vigil',
  'StateDirectory=vigil',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'SystemCallFilter=@system-service',
  'Restart=on-failure',
];

describe('deploy/systemd server units', () => {
  it.each(SERVER_UNITS)(
    '%s passes systemd-analyze verify without a warning, exposure under 2',
    async (name) => {
      const r = await verify(join(SYSTEMD, name));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.exposure).toBeGreaterThan(0);
      expect(r.exposure).toBeLessThan(2);
    },
  );

  it.each(SERVER_UNITS)('%s is hardened and runs as the vigil user', (name) => {
    const lines = readFileSync(join(SYSTEMD, name), 'utf8').split('\n');
    for (const line of HARDENING) expect(lines, `${name}: ${line}`).toContain(line);
  });

  it('each scale-out unit runs its role and takes its secrets as systemd credentials, never as flags', () => {
    for (const [role, name] of Object.entries(ROLE_UNITS)) {
      const unit = readUnit(name);
      const args = unitServerArgs(unit);
      expect(args.slice(0, 2)).toEqual(['--role', role]);
      expect(args).toContain('--database-url-file');
      expect(args.join(' ')).not.toMatch(/--database(?:=|\s)|postgres:\/\//);
      expect(unit.get('Service.LoadCredential')).toEqual([
        'database-url:/etc/vigil/database-url',
        'secret-key:/etc/vigil/secret-key',
      ]);
    }
    expect(unitServerArgs(readUnit('vigil-server.service')).slice(0, 2)).toEqual(['--role', 'all']);
    expect(one(readUnit('vigil-worker@.service'), 'Unit.Description')).toContain('%i');
  });

  it('a broken copy makes verify complain (the check can fail)', async () => {
    const bad = join(scratch, 'vigil-api.service');
    const text = readFileSync(join(SYSTEMD, 'vigil-api.service'), 'utf8');
    writeFileSync(bad, text.replace('ProtectSystem=strict', 'ProtectSystem=strickt'));
    expect((await verify(bad)).stderr).toMatch(/Failed to parse protect system value/);
    writeFileSync(bad, text.replace('/usr/bin/node', '/usr/bin/no-such-node'));
    expect((await verify(bad)).stderr).toMatch(/no-such-node/);
  });
});
