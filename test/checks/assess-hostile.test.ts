import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessRoot } from '../../src/checks/assess-root.js';
import type { CheckResult } from '../../src/checks/model/check-result.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { buildCli, runCli } from '../cli/built-cli.js';
import { requireTool } from '../fixtures/required-tool.js';

/**
 * Hostile root filesystems: links out of the root where sshd_config and /etc/shadow should be, an sshd
 * Include of a binary file, a 2 MiB login.defs, a FIFO banner, a binary /etc/passwd. Every check must
 * end in a status with a reason (ERROR or SKIPPED where the input is bad), nothing may crash, and
 * nothing outside the root may be read.
 */

let work: string;
let outside: string;
const SENTINEL = 'VIGIL-SENTINEL-7f3a9c';

function file(root: string, path: string, content: string | Buffer): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

function hostileRoot(name: string): string {
  const root = join(work, name);
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  file(
    root,
    'var/lib/dpkg/status',
    'Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2\n\n',
  );
  return root;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'vigil-assess-hostile-'));
  outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(
    join(outside, 'secret'),
    `PermitRootLogin ${SENTINEL}\nroot:${SENTINEL}:0:0::/root:/bin/sh\n`,
  );

  // escape: relative links that climb out of the root, for sshd_config and /etc/shadow
  const escape = hostileRoot('escape');
  symlinkSync(`../../../../../../../../..${outside}/secret`, join(escape, 'etc/ssh/sshd_config'));
  file(escape, 'etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  symlinkSync(`../../../../../../../..${outside}/secret`, join(escape, 'etc/shadow'));

  // absolute: an absolute link resolves inside the root (chroot semantics), where nothing is
  const absolute = hostileRoot('absolute');
  symlinkSync(`${outside}/secret`, join(absolute, 'etc/ssh/sshd_config'));

  // garbage: binary Include, huge login.defs, FIFO banner, binary passwd
  const garbage = hostileRoot('garbage');
  file(garbage, 'etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n');
  file(
    garbage,
    'etc/ssh/sshd_config.d/50-blob.conf',
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0, 0xff]),
  );
  const big = openSync(join(garbage, 'etc/login.defs'), 'w');
  closeSync(big);
  execFileSync('truncate', ['-s', '2M', join(garbage, 'etc/login.defs')]);
  execFileSync('mkfifo', [join(garbage, 'etc/issue')]);
  file(
    garbage,
    'etc/passwd',
    Buffer.concat([Buffer.from('root:x:0:0'), Buffer.alloc(64), Buffer.from('\n')]),
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function assess(name: string): Promise<Map<string, CheckResult>> {
  const { result } = await assessRoot(new DirectoryResolver(join(work, name)), {
    benchmark: 'cis-debian12',
    level: 2,
    profile: 'server',
  });
  const text = JSON.stringify(result);
  expect(text).not.toContain(SENTINEL);
  for (const r of result.results) expect(r.statusReason.length, r.checkId).toBeGreaterThan(0);
  return new Map(result.results.map((r) => [r.checkId, r]));
}

describe('assessments of hostile root filesystems', () => {
  it('a link out of the root is an ERROR naming the problem, never a read and never a pass', async () => {
    const r = await assess('escape');
    expect(r.get('cis-d12-5.1.20')).toMatchObject({
      status: 'ERROR',
      statusReason: '/etc/ssh/sshd_config: symlink-escape, not read',
    });
    expect(r.get('cis-d12-5.1.1-mode')).toMatchObject({
      status: 'ERROR',
      statusReason: expect.stringContaining('symlink-escape') as string,
    });
    expect(r.get('cis-d12-7.1.5-mode')).toMatchObject({
      status: 'ERROR',
      statusReason: '/etc/shadow: symlink-escape, not followed',
    });
    expect(r.get('cis-d12-7.2.2')).toMatchObject({
      status: 'ERROR',
      statusReason: '/etc/shadow: symlink-escape, not read',
    });
  });

  it('an absolute link is followed inside the root only: the outside file is not there', async () => {
    const r = await assess('absolute');
    expect(r.get('cis-d12-5.1.20')).toMatchObject({
      status: 'FAILED',
      statusReason: expect.stringContaining('permitrootlogin = prohibit-password (sshd default') as string,
    });
  });

  it('binary, oversized and non-regular files give ERROR with the reason', async () => {
    const r = await assess('garbage');
    expect(r.get('cis-d12-5.1.20')).toMatchObject({
      status: 'ERROR',
      statusReason: '/etc/ssh/sshd_config.d/50-blob.conf is binary (NUL bytes), not configuration text',
    });
    expect(r.get('cis-d12-5.4.1.1')).toMatchObject({
      status: 'ERROR',
      statusReason: '/etc/login.defs is over 1048576 bytes, not read as configuration',
    });
    expect(r.get('cis-d12-7.2.1')).toMatchObject({
      status: 'ERROR',
      statusReason: expect.stringContaining('/etc/passwd is binary') as string,
    });
    // A FIFO is not a regular file: not opened (no hang), the banner counts as absent.
    expect(r.get('cis-d12-1.6.2')).toMatchObject({
      status: 'PASSED',
      statusReason: '/etc/issue does not exist',
    });
  });

  it('the CLI opens nothing outside the root (strace) and exits normally', async () => {
    requireTool('strace', 'strace');
    await buildCli();
    const trace = join(work, 'strace.txt');
    for (const name of ['escape', 'absolute']) {
      const run = await runCli(['assess', 'fs', join(work, name), '--level', '2', '-f', 'json'], {
        prefix: ['strace', '-f', '-qq', '-e', 'trace=open,openat,openat2', '-o', trace],
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(SENTINEL);
      expect(
        readFileSync(trace, 'utf8')
          .split('\n')
          .filter((l) => l.includes(`"${outside}`)),
      ).toEqual([]);
    }
  });
});
