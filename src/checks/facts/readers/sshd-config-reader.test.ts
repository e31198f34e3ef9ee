import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../../source/directory/directory-resolver.js';
import { collectFacts } from '../fact-collector.js';
import type { FactResult } from '../fact-model.js';
import type { LiveHostProbe } from '../live/live-host-probe.js';
import { applyListModifier, parseSshdConfig, sshdSeconds } from './sshd-config-parser.js';
import { SSHD_DEFAULTS } from './sshd-defaults.js';

const ROOT = join(import.meta.dirname, 'testdata', 'sshd-include');

async function sshd(...options: string[]): Promise<Record<string, FactResult>> {
  const facts = await collectFacts(
    new DirectoryResolver(ROOT),
    options.map((o) => `sshd:${o}`),
    { mode: 'rootfs' },
  );
  return Object.fromEntries(options.map((o) => [o, facts.facts[`sshd:${o}`] as FactResult]));
}

const value = (r: FactResult | undefined) =>
  r?.status === 'ok' && r.fact.type === 'value' ? r.fact : undefined;

describe('sshd configuration reader', () => {
  it('reads Include drop-ins in place, sorted, and keeps the first value of each option', async () => {
    const f = await sshd('permitrootlogin', 'maxauthtries', 'banner', 'ignorerhosts', 'permitemptypasswords');
    // 10-site.conf (first through the Include) beats 20-hardening.conf and sshd_config's own "no".
    expect(value(f.permitrootlogin)).toMatchObject({
      value: 'yes',
      origin: expect.stringMatching(/^\/etc\/ssh\/sshd_config.d\/10-site.conf:1 \(first of 3/) as string,
    });
    expect(value(f.maxauthtries)).toMatchObject({
      value: '3',
      origin: expect.stringContaining('20-hardening.conf:2') as string,
    });
    // A relative Include is relative to /etc/ssh.
    expect(value(f.banner)).toMatchObject({
      value: '/etc/issue.net',
      origin: '/etc/ssh/extra/nested.conf:1',
    });
    expect(value(f.ignorerhosts)?.value).toBe('no');
    // README in sshd_config.d does not match *.conf: its PermitEmptyPasswords is never read.
    expect(value(f.permitemptypasswords)).toMatchObject({
      value: 'no',
      origin: expect.stringContaining('default') as string,
    });
  });

  it('applies sshd semantics to values: time units, list modifiers, accumulating options, comments', async () => {
    const f = await sshd('logingracetime', 'clientaliveinterval', 'ciphers', 'allowusers');
    expect(value(f.logingracetime)?.value).toBe('90');
    expect(value(f.clientaliveinterval)?.value).toBe('300');
    expect(value(f.ciphers)?.value).toBe(
      'aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
    );
    expect(value(f.allowusers)?.value).toBe('alice bob smith');
  });

  it('keeps Match blocks apart from the global value and names them, included files too', async () => {
    const f = await sshd('passwordauthentication', 'x11forwarding');
    // PasswordAuthentication sits after "Match User backup": it is not a global setting.
    expect(value(f.passwordauthentication)).toMatchObject({
      value: SSHD_DEFAULTS.passwordauthentication,
      note: expect.stringContaining('Match User backup → yes (/etc/ssh/sshd_config:14)') as string,
    });
    expect(value(f.x11forwarding)?.note).toContain('/etc/ssh/match-only.conf:1');
  });

  it('prefers sshd -T on a live host and never runs it for a root filesystem', async () => {
    let calls = 0;
    const probe: LiveHostProbe = {
      sshdEffectiveConfig: () => {
        calls++;
        return Promise.resolve('permitrootlogin without-password\nmaxauthtries 2\n');
      },
      unitEnabled: () => Promise.resolve(undefined),
    };
    const host = await collectFacts(new DirectoryResolver(ROOT), ['sshd:permitrootlogin'], {
      mode: 'host',
      probe,
    });
    expect(value(host.facts['sshd:permitrootlogin'])).toEqual({
      type: 'value',
      value: 'without-password',
      origin: 'sshd -T',
    });
    const rootfs = await collectFacts(new DirectoryResolver(ROOT), ['sshd:permitrootlogin'], {
      mode: 'rootfs',
      probe,
    });
    expect(value(rootfs.facts['sshd:permitrootlogin'])?.value).toBe('yes');
    expect(calls).toBe(1);
  });

  it('parses the keyword forms sshd accepts', () => {
    expect(parseSshdConfig('Port=22\n  Banner   "/etc/my banner" # trailing\nX = y\nbad "quote\n')).toEqual([
      { kind: 'directive', keyword: 'port', args: ['22'], line: 1 },
      { kind: 'directive', keyword: 'banner', args: ['/etc/my banner'], line: 2 },
      { kind: 'directive', keyword: 'x', args: ['y'], line: 3 },
      { kind: 'bad', line: 4, text: 'bad "quote' },
    ]);
    expect([sshdSeconds('1h30m'), sshdSeconds('45'), sshdSeconds('2x')]).toEqual([5400, 45, undefined]);
    expect(applyListModifier('+b', 'a')).toBe('a,b');
    expect(applyListModifier('^b', 'a,b')).toBe('b,a');
  });
});
