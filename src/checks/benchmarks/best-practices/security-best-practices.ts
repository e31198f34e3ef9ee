import type { Benchmark } from '../../model/check-model.js';
import {
  all,
  any,
  check,
  installed,
  lines,
  loginDefs,
  paths,
  sshd,
  sysctl,
  value,
} from '../check-builders.js';

/**
 * The "security best practices" rules package of Inspector Classic, as checks over the same facts.
 * NX and ASLR read what the target can show: a live host its CPU flag and running kernel, a root
 * filesystem only its boot and sysctl configuration (the reason says which).
 */

const sshInstalled = installed('openssh-server');
const L = { server: 1, workstation: 1 } as const;

/** System directories nobody but root may write: a world-writable one lets anyone plant programs. */
const SYSTEM_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/lib', '/lib', '/etc', '/boot'];

export const SECURITY_BEST_PRACTICES: Benchmark = {
  id: 'security-best-practices',
  title: 'Security best practices (Inspector Classic rules package)',
  source: 'Amazon Inspector Classic "Security Best Practices" rules package, restated by vigil',
  checks: [
    check(
      {
        id: 'sbp-ssh-root-login',
        title: 'Root login over SSH is disabled',
        levels: L,
        severity: 'MEDIUM',
        applicable: sshInstalled,
        remediation: 'Set "PermitRootLogin no" in /etc/ssh/sshd_config and reload sshd.',
      },
      sshd('permitrootlogin', 'eq', 'no'),
    ),
    check(
      {
        id: 'sbp-ssh-protocol-2',
        title: 'SSH accepts protocol version 2 only',
        levels: L,
        severity: 'MEDIUM',
        applicable: sshInstalled,
        remediation: 'Remove any "Protocol 1" setting; OpenSSH 7.4 and later speak only protocol 2.',
      },
      value('sshd:protocol', 'eq', '2'),
    ),
    check(
      {
        id: 'sbp-ssh-password-auth',
        title: 'Password authentication over SSH is disabled',
        levels: L,
        severity: 'MEDIUM',
        applicable: sshInstalled,
        remediation:
          'Set "PasswordAuthentication no" and "KbdInteractiveAuthentication no" in /etc/ssh/sshd_config; use keys.',
      },
      all(sshd('passwordauthentication', 'eq', 'no'), sshd('kbdinteractiveauthentication', 'eq', 'no')),
    ),
    check(
      {
        id: 'sbp-password-max-age',
        title: 'Passwords have a maximum age',
        levels: L,
        severity: 'MEDIUM',
        remediation: 'Set PASS_MAX_DAYS (at most 365) in /etc/login.defs.',
      },
      all(loginDefs('PASS_MAX_DAYS', 'le', 365), loginDefs('PASS_MAX_DAYS', 'ge', 1)),
    ),
    check(
      {
        id: 'sbp-password-min-length',
        title: 'Passwords have a minimum length',
        levels: L,
        severity: 'MEDIUM',
        remediation:
          'Install libpam-pwquality and set "minlen = 14" (or more) in /etc/security/pwquality.conf.',
      },
      any(
        value('kv:pwquality:minlen', 'ge', 14),
        lines('pam:common-password', {
          some: 'pam_(pwquality|cracklib)\\.so( .*)? minlen=(1[4-9]|[2-9]\\d)',
        }),
      ),
    ),
    check(
      {
        id: 'sbp-password-complexity',
        title: 'Passwords must mix character classes',
        levels: L,
        severity: 'MEDIUM',
        remediation:
          'Set "minclass = 4" (or dcredit/ucredit/lcredit/ocredit = -1) in /etc/security/pwquality.conf.',
      },
      all(
        lines('pam:common-password', { some: 'pam_(pwquality|cracklib)\\.so' }),
        any(
          value('kv:pwquality:minclass', 'ge', 3),
          all(...['d', 'u', 'l', 'o'].map((c) => value(`kv:pwquality:${c}credit`, 'le', -1))),
        ),
      ),
    ),
    check(
      {
        id: 'sbp-aslr',
        title: 'Address space layout randomization is enabled',
        levels: L,
        severity: 'MEDIUM',
        remediation:
          'Set kernel.randomize_va_space = 2 in /etc/sysctl.d/ (or remove a setting that lowers it).',
      },
      // Unset in the configuration means the kernel's own default, 2.
      value('sysctl:kernel.randomize_va_space', 'eq', '2', { ifMissing: 'pass' }),
    ),
    check(
      {
        id: 'sbp-nx',
        title: 'No-execute memory protection (NX/DEP) is not disabled',
        levels: L,
        severity: 'MEDIUM',
        remediation:
          'Remove noexec=off from the kernel command line; on a live host, enable NX in the firmware if the CPU lacks the nx flag.',
      },
      value('kernel:nx', 'in', ['enabled', 'not-disabled']),
    ),
    ...SYSTEM_DIRS.map((dir) =>
      check(
        {
          id: `sbp-system-dir${dir.replace(/\//g, '-')}`,
          title: `${dir} is writable by root only`,
          levels: L,
          severity: 'HIGH',
          remediation: `chown root ${dir}; chmod go-w ${dir}`,
        },
        paths(dir, { maxMode: '1755', owner: ['root'], ifMissing: 'pass' }),
      ),
    ),
    check(
      {
        id: 'sbp-aslr-config',
        title: 'The sysctl configuration does not lower address space randomization',
        levels: L,
        severity: 'LOW',
        remediation:
          'Remove kernel.randomize_va_space settings below 2 from /etc/sysctl.conf and /etc/sysctl.d/.',
      },
      sysctl('kernel.randomize_va_space', '2'),
    ),
  ],
};
