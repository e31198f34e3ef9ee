import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../../source/directory/directory-resolver.js';
import { CollectContext } from '../collect-context.js';
import { collectFacts } from '../fact-collector.js';
import { normalizeSysctlKey, procPath, sysctlFiles } from './sysctl-reader.js';

const ROOT = join(import.meta.dirname, 'testdata', 'sysctl-order');

async function values(...keys: string[]) {
  const facts = await collectFacts(
    new DirectoryResolver(ROOT),
    keys.map((k) => `sysctl:${k}`),
    { mode: 'rootfs' },
  );
  return Object.fromEntries(
    keys.map((k) => {
      const r = facts.facts[`sysctl:${k}`];
      return [k, r?.status === 'ok' && r.fact.type === 'value' ? r.fact : r];
    }),
  );
}

describe('sysctl configuration reader (root filesystem)', () => {
  it('lists files the way systemd-sysctl orders them: one per name, /etc first, then by name', async () => {
    const files = await sysctlFiles(new CollectContext(new DirectoryResolver(ROOT), 'rootfs'));
    expect(files).toEqual([
      '/etc/sysctl.d/10-a.conf',
      '/usr/lib/sysctl.d/50-pkg.conf',
      '/etc/sysctl.d/60-site.conf',
      '/run/sysctl.d/70-run.conf',
      '/etc/sysctl.d/80-masked.conf',
      '/etc/sysctl.d/99-sysctl.conf',
      '/etc/sysctl.conf',
    ]);
  });

  it('applies later files over earlier ones and says where each value came from', async () => {
    const v = await values(
      'net.ipv4.ip_forward',
      'kernel.randomize_va_space',
      'net.ipv4.conf.default.rp_filter',
      'net.ipv4.conf.all.rp_filter',
      'net.ipv4.tcp_syncookies',
    );
    expect(v['net.ipv4.ip_forward']).toMatchObject({
      value: '0',
      origin: '/etc/sysctl.d/10-a.conf:2 (configuration)',
    });
    expect(v['kernel.randomize_va_space']).toMatchObject({
      value: '2',
      origin: '/etc/sysctl.d/60-site.conf:2 (configuration)',
    });
    expect(v['net.ipv4.conf.default.rp_filter']).toMatchObject({ value: '1' }); // written with slashes
    expect(v['net.ipv4.conf.all.rp_filter']).toMatchObject({
      value: '2',
      origin: expect.stringContaining('50-pkg.conf') as string,
    });
    expect(v['net.ipv4.tcp_syncookies']).toMatchObject({ value: '1' }); // "-" prefix: ignore errors, still set
  });

  it('lets an explicit key beat a glob, masks a name linked to /dev/null, reads /etc/sysctl.conf once', async () => {
    const v = await values(
      'net.ipv4.conf.all.send_redirects',
      'net.ipv4.conf.default.send_redirects',
      'fs.suid_dumpable',
      'vm.swappiness',
      'net.ipv4.icmp_echo_ignore_broadcasts',
    );
    expect(v['net.ipv4.conf.all.send_redirects']).toMatchObject({ value: '1' });
    expect(v['net.ipv4.conf.default.send_redirects']).toMatchObject({
      value: '0',
      origin: expect.stringContaining('70-run.conf:2') as string,
    });
    expect(v['fs.suid_dumpable']).toEqual({
      type: 'value',
      note: expect.stringContaining('a root filesystem cannot show the kernel default') as string,
    });
    expect(v['vm.swappiness']).toMatchObject({
      value: '10',
      origin: expect.stringContaining('99-sysctl.conf') as string,
    });
    expect(v['net.ipv4.icmp_echo_ignore_broadcasts']).not.toHaveProperty('value'); // not-a-conf.txt is not read
  });

  it('maps keys to /proc/sys paths as systemd does', () => {
    expect(procPath('net.ipv4.conf.eth0/10.rp_filter')).toBe('net/ipv4/conf/eth0.10/rp_filter');
    expect(normalizeSysctlKey('net/ipv4/conf/eth0.10/rp_filter')).toBe('net.ipv4.conf.eth0/10.rp_filter');
    expect(normalizeSysctlKey('kernel.yama.ptrace_scope')).toBe('kernel.yama.ptrace_scope');
  });

  it('reads /proc/sys on a live host and says so', async () => {
    const facts = await collectFacts(new DirectoryResolver('/'), ['sysctl:kernel.ostype'], { mode: 'host' });
    expect(facts.facts['sysctl:kernel.ostype']).toEqual({
      status: 'ok',
      fact: { type: 'value', value: 'Linux', origin: '/proc/sys/kernel/ostype (runtime)' },
    });
  });
});
