import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { runCli } from '../cli/built-cli.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { requireTool } from '../fixtures/required-tool.js';
import { agentArtifact } from './fixtures/agent-artifact.js';
import { startAgent, type AgentProcess } from './fixtures/agent-process.js';
import { ContractServer } from './fixtures/contract-server.js';
import { rootfsCopy, type RootfsCopy } from './fixtures/rootfs-overlay.js';

const run = promisify(execFile);

/**
 * The shipped artifact (`npm run build:agent`: node + the bundled agent in one tarball) unpacked into a
 * copy of a debootstrapped minbase rootfs that has no Node.js, and run there with chroot: it enrolls and
 * reports to a server on 127.0.0.1 (the chroot shares this machine's network namespace).
 */
const server = new ContractServer();
let root: RootfsCopy | undefined;
let agent: AgentProcess | undefined;
let archive = '';

beforeAll(async () => {
  requireTool('chroot', 'coreutils');
  requireTool('tar', 'tar');
  const [a, lower] = await Promise.all([agentArtifact(), debianRootfs({ suite: 'bookworm' })]);
  archive = a;
  root = await rootfsCopy(lower, 'artifact');
  await server.start();
}, 900_000);

afterAll(async () => {
  await agent?.stop('SIGKILL');
  await server.stop();
  await root?.remove();
});

describe('the vigil-agent artifact in a chroot without Node.js', () => {
  it('the rootfs has no node', async () => {
    const dir = root?.dir ?? '';
    const found = await run('chroot', [dir, 'sh', '-c', 'command -v node || command -v nodejs']).then(
      (r) => r.stdout,
      (err: { code?: number; message?: string }) =>
        err.code === 127 || err.code === 1 ? '' : `${err.message}`,
    );
    expect(found).toBe('');
  });

  it('unpacks, enrolls and reports the root it runs in', async () => {
    const dir = root?.dir ?? '';
    await run('tar', ['-xzf', archive, '-C', join(dir, 'opt')]);
    mkdirSync(join(dir, 'etc/vigil-agent'), { recursive: true });
    writeFileSync(join(dir, 'etc/vigil-agent/enroll-token'), `${server.createToken('acct-artifact')}\n`, {
      mode: 0o600,
    });
    // A real host has /proc; the chroot gets this machine's (the agent reads none of it for inventory).
    await run('mount', ['-t', 'proc', 'proc', join(dir, 'proc')]);
    agent = await startAgent({
      command: ['chroot', dir, '/opt/vigil-agent/bin/vigil-agent'],
      args: [
        '--server',
        server.base,
        '--enroll-token-file',
        '/etc/vigil-agent/enroll-token',
        '--interval',
        '1s',
      ],
    });
    await agent.waitFor((e) => e.event === 'checkin' && e['kind'] === 'full', { timeoutMs: 120_000 });
    await agent.waitFor((e) => e.event === 'checkin' && e['kind'] === 'heartbeat');
    expect(server.enrollments).toHaveLength(1);
    const resourceId = server.enrollments[0]?.resourceId ?? '';
    // The default state dir, inside the chroot: /var/lib/vigil-agent, 0700.
    expect(statSync(join(dir, 'var/lib/vigil-agent')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'var/lib/vigil-agent/host-key')).mode & 0o777).toBe(0o600);
    const inv = server.stored.get(resourceId)?.inventory as unknown as Inventory;
    const cli = await runCli(['sbom', dir, '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    const purls = (ps: Array<{ purl: string }>): string[] => ps.map((p) => p.purl).sort();
    expect(purls(inv.packages)).toEqual(purls((JSON.parse(cli.stdout) as Inventory).packages));
    expect(inv.os?.codename).toBe('bookworm');
    expect(inv.packages.filter((p) => p.ecosystem === 'deb').length).toBeGreaterThan(80);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    expect(await agent?.stop('SIGTERM')).toBe(0);
    await run('umount', [join(root?.dir ?? '', 'proc')]);
  });
});
