import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../../source/directory/directory-resolver.js';
import { collectFacts } from '../fact-collector.js';
import type { FactResult } from '../fact-model.js';
import { parseFstab } from './mounts-reader.js';

const data = (name: string) => join(import.meta.dirname, 'testdata', name);

async function facts(root: string, keys: string[]): Promise<Record<string, FactResult>> {
  return (await collectFacts(new DirectoryResolver(data(root)), keys, { mode: 'rootfs' })).facts;
}

describe('login.defs and key/value files', () => {
  it('takes the last value of a repeated key, ignores comments, keeps whitespace-separated values', async () => {
    const f = await facts('login-defs', [
      'login.defs:PASS_MAX_DAYS',
      'login.defs:PASS_MIN_DAYS',
      'login.defs:UMASK',
      'kv:useradd:INACTIVE',
      'kv:useradd:SHELL',
    ]);
    expect(f['login.defs:PASS_MAX_DAYS']).toEqual({
      status: 'ok',
      fact: { type: 'value', value: '90', origin: '/etc/login.defs:6' },
    });
    expect(f['login.defs:PASS_MIN_DAYS']).toEqual({
      status: 'ok',
      fact: { type: 'value', note: 'read /etc/login.defs' },
    });
    expect(f['login.defs:UMASK']).toMatchObject({ fact: { value: '027' } });
    expect(f['kv:useradd:INACTIVE']).toMatchObject({
      fact: { value: '30', origin: '/etc/default/useradd:2' },
    });
    expect(f['kv:useradd:SHELL']).toMatchObject({ fact: { value: '/bin/sh' } }); // quotes removed
  });
});

describe('PAM stacks', () => {
  it('expands @include in place and keeps each rule with its file and line', async () => {
    const f = await facts('pam', ['pam:sshd']);
    expect(f['pam:sshd']).toEqual({
      status: 'ok',
      fact: {
        type: 'lines',
        files: ['/etc/pam.d/sshd', '/etc/pam.d/common-auth', '/etc/pam.d/common-password'],
        lines: [
          { text: 'auth [success=1 default=ignore] pam_unix.so nullok', origin: '/etc/pam.d/common-auth:1' },
          { text: 'auth requisite pam_deny.so', origin: '/etc/pam.d/common-auth:2' },
          { text: 'account required pam_nologin.so', origin: '/etc/pam.d/sshd:3' },
          { text: 'password requisite pam_pwquality.so retry=3', origin: '/etc/pam.d/common-password:2' },
          {
            text: 'password [success=1 default=ignore] pam_unix.so obscure use_authtok try_first_pass yescrypt',
            origin: '/etc/pam.d/common-password:3',
          },
        ],
      },
    });
  });

  it('stops an @include loop with an error instead of recursing forever', async () => {
    const f = await facts('pam', ['pam:loop-a', 'pam:absent']);
    expect(f['pam:loop-a']).toEqual({
      status: 'error',
      reason: expect.stringContaining('nested deeper than 8') as string,
    });
    expect(f['pam:absent']).toEqual({ status: 'ok', fact: { type: 'lines', lines: [], files: [] } });
  });
});

describe('systemd units and mounts', () => {
  it('tells enabled, disabled, static, masked, aliased and missing units from their links', async () => {
    const keys = ['cron', 'rsync', 'systemd-journald', 'avahi-daemon', 'sshd', 'nope'].map(
      (u) => `unit:${u}.service`,
    );
    const f = await facts('units', keys);
    const state = (u: string) => {
      const r = f[`unit:${u}.service`];
      return r?.status === 'ok' && r.fact.type === 'value' ? r.fact.value : r?.status;
    };
    expect(['cron', 'rsync', 'systemd-journald', 'avahi-daemon', 'sshd', 'nope'].map(state)).toEqual([
      'enabled',
      'disabled',
      'static',
      'masked',
      'enabled',
      'not-found',
    ]);
    expect(f['unit:cron.service']).toMatchObject({
      fact: { origin: '/etc/systemd/system/multi-user.target.wants/cron.service' },
    });
  });

  it('reads fstab, and an enabled tmp.mount as the /tmp mount on a root filesystem', async () => {
    const f = await facts('units', ['records:mounts']);
    expect(f['records:mounts']).toEqual({
      status: 'ok',
      fact: {
        type: 'records',
        origin: '/etc/fstab',
        rows: [
          {
            device: 'UUID=1',
            mountPoint: '/',
            fstype: 'ext4',
            options: 'errors=remount-ro',
            source: '/etc/fstab:2',
          },
          {
            device: '/dev/sdb1',
            mountPoint: '/srv/my data',
            fstype: 'ext4',
            options: 'defaults,nodev',
            source: '/etc/fstab:3',
          },
          {
            device: 'tmpfs',
            mountPoint: '/tmp',
            fstype: 'tmpfs',
            options: 'mode=1777,strictatime,nosuid,nodev,size=50%%,nr_inodes=1m',
            source: '/etc/systemd/system/tmp.mount (enabled)',
          },
          {
            device: 'tmpfs',
            mountPoint: '/dev/shm',
            fstype: 'tmpfs',
            options: 'rw,nosuid,nodev,mode=1777',
            source: 'systemd built-in mount (no /etc/fstab line)',
          },
        ],
      },
    });
  });

  it('parses fstab lines: comments, octal escapes, missing options', () => {
    expect(parseFstab('# c\n\n/dev/a\t/mnt/x\\011y xfs\n/dev/b /b\n', '/etc/fstab')).toEqual([
      {
        device: '/dev/a',
        mountPoint: '/mnt/x\ty',
        fstype: 'xfs',
        options: 'defaults',
        source: '/etc/fstab:3',
      },
    ]);
  });
});
