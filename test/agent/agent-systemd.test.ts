import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../cli/built-cli.js';
import { requireTool } from '../fixtures/required-tool.js';
import { ARTIFACT_TREE, agentArtifact } from './fixtures/agent-artifact.js';

const run = promisify(execFile);
const UNIT = join(REPO, 'deploy/systemd/vigil-agent.service');

/**
 * `systemd-analyze verify` (Debian's systemd package) on the shipped unit, in a private mount namespace
 * where the real artifact is bind-mounted at /opt/vigil-agent (verify checks that ExecStart exists and
 * is executable), so nothing on this machine changes. verify exits 0 on mere warnings, so its stderr
 * must be empty too; a deliberately broken copy shows the check can fail.
 */
async function verify(unitPath: string): Promise<{ code: number; stderr: string; security: string }> {
  requireTool('systemd-analyze', 'systemd');
  const unshare = requireTool('unshare', 'util-linux');
  const script = [
    'mount -t tmpfs tmpfs /opt',
    'mkdir -p /opt/vigil-agent',
    `mount --bind ${ARTIFACT_TREE} /opt/vigil-agent`,
    `systemd-analyze verify --man=no ${unitPath}; echo "verify-exit=$?" >&2`,
    `systemd-analyze security --offline=true ${unitPath} | tail -1`,
  ].join(' && ');
  try {
    const { stdout, stderr } = await run(unshare, ['-m', 'sh', '-c', script]);
    const code = Number(/verify-exit=(\d+)/.exec(stderr)?.[1] ?? -1);
    return { code, stderr: stderr.replace(/verify-exit=\d+\n?/, '').trim(), security: stdout.trim() };
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(`systemd-analyze failed: ${e.stderr ?? e.message}`, {
      cause: err,
    });
  }
}

beforeAll(async () => {
  await agentArtifact();
}, 600_000);

describe('deploy/systemd/vigil-agent.service', () => {
  it('passes systemd-analyze verify with no warning, and its exposure is low', async () => {
    const r = await verify(UNIT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // "Overall exposure level for vigil-agent.service: 2.1 OK": 0 is locked down, 10 is exposed.
    const exposure = Number(/exposure level for \S+: ([\d.]+)/.exec(r.security)?.[1]);
    expect(exposure).toBeLessThan(3);
  });

  it('is hardened as the agent needs: read-only system, a writable state dir, no capabilities', () => {
    const unit = readFileSync(UNIT, 'utf8');
    for (const line of [
      'ProtectSystem=strict',
      'StateDirectory=vigil-agent',
      'StateDirectoryMode=0700',
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
      'ProtectHome=read-only',
      'CapabilityBoundingSet=',
      'ReadOnlyPaths=/',
      'Restart=on-failure',
    ])
      expect(unit.split('\n')).toContain(line);
    expect(unit).toMatch(/ExecStart=\/opt\/vigil-agent\/bin\/vigil-agent .*--enroll-token-file /);
    expect(unit).not.toMatch(/--enroll-token /);
  });

  it('a broken copy makes verify complain (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-unit-'));
    const bad = join(dir, 'vigil-agent.service');
    writeFileSync(bad, readFileSync(UNIT, 'utf8').replace('ProtectSystem=strict', 'ProtectSystem=strickt'));
    const r = await verify(bad);
    expect(r.stderr).toMatch(/Failed to parse protect system value/);
  });
});
