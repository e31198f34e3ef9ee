import type { CheckDefinition } from '../../model/check-model.js';
import { all, check, installed, kv, lines, notInstalled, paths, sysctl } from '../check-builders.js';

/** CIS Debian 12 §1.3–1.7: AppArmor, the boot loader, process hardening, banners, the desktop. */

const GRUB_CFG = '/boot/grub/grub.cfg';
const hasGrubCfg = paths(GRUB_CFG, { type: 'file' });
/** Banners must not tell an attacker the OS and version: no getty escapes, no distribution name. */
const REVEALING = '\\\\[mrsv]|debian|gnu/linux';

const banner = (section: string, path: string, ssg: string, what: string) =>
  check(
    {
      id: `cis-d12-${section}`,
      section,
      ssg,
      title: `${what} (${path}) does not reveal the system`,
      remediation: `Write a site policy notice into ${path} with no \\m, \\r, \\s or \\v escapes and no OS name or version.`,
    },
    lines(`file:${path}`, { none: REVEALING, ignoreCase: true, ifMissing: 'pass' }),
  );

const bannerFile = (section: string, path: string, suffix: string, what: string) => [
  check(
    {
      id: `cis-d12-${section}-mode`,
      section,
      ssg: `file_permissions_etc_${suffix}`,
      title: `${path} permissions are 0644 or stricter`,
      remediation: `chmod u-x,go-wx ${path}`,
    },
    paths(path, { maxMode: '0644', ifMissing: 'pass' }),
  ),
  check(
    {
      id: `cis-d12-${section}-owner`,
      section,
      ssg: `file_owner_etc_${suffix}`,
      title: `${path} is owned by root`,
      remediation: `chown root ${path}`,
    },
    paths(path, { owner: ['root'], ifMissing: 'pass' }),
  ),
  check(
    {
      id: `cis-d12-${section}-group`,
      section,
      ssg: `file_groupowner_etc_${suffix}`,
      title: `${path} group is root`,
      remediation: `chgrp root ${path} (${what})`,
    },
    paths(path, { group: ['root'], ifMissing: 'pass' }),
  ),
];

export const SECTION_1_SYSTEM: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-1.3.1.1-apparmor',
      section: '1.3.1.1',
      ssg: 'package_apparmor_installed',
      title: 'AppArmor is installed',
      remediation: 'apt install apparmor',
    },
    installed('apparmor'),
  ),
  check(
    {
      id: 'cis-d12-1.3.1.1-utils',
      section: '1.3.1.1',
      ssg: 'package_apparmor-utils_installed',
      title: 'AppArmor utilities are installed',
      remediation: 'apt install apparmor-utils',
    },
    installed('apparmor-utils'),
  ),
  check(
    {
      id: 'cis-d12-1.3.1.2',
      section: '1.3.1.2',
      ssg: 'grub2_enable_apparmor',
      title: 'The boot loader enables AppArmor',
      remediation:
        'Add "apparmor=1 security=apparmor" to GRUB_CMDLINE_LINUX in /etc/default/grub, then run update-grub.',
    },
    all(
      kv('grub-default', 'GRUB_CMDLINE_LINUX', 'match', '(^|\\s)apparmor=1(\\s|$)'),
      kv('grub-default', 'GRUB_CMDLINE_LINUX', 'match', '(^|\\s)security=apparmor(\\s|$)'),
    ),
  ),
  check(
    {
      id: 'cis-d12-1.4.1',
      section: '1.4.1',
      ssg: 'grub2_password',
      title: 'The boot loader requires a password',
      applicable: hasGrubCfg,
      remediation:
        'Create a hash with grub-mkpasswd-pbkdf2, add "set superusers" and "password_pbkdf2" lines to a file in ' +
        '/etc/grub.d/, then run update-grub.',
    },
    all(
      lines('lines:grub-cfg', { some: '^set superusers=' }),
      lines('lines:grub-cfg', { some: '^password_pbkdf2 ' }),
    ),
  ),
  check(
    {
      id: 'cis-d12-1.4.2-mode',
      section: '1.4.2',
      ssg: 'file_permissions_grub2_cfg',
      title: `${GRUB_CFG} permissions are 0600 or stricter`,
      applicable: hasGrubCfg,
      remediation: `chmod u-x,go-rwx ${GRUB_CFG}`,
    },
    paths(GRUB_CFG, { maxMode: '0600' }),
  ),
  check(
    {
      id: 'cis-d12-1.4.2-owner',
      section: '1.4.2',
      ssg: 'file_owner_grub2_cfg',
      title: `${GRUB_CFG} is owned by root`,
      applicable: hasGrubCfg,
      remediation: `chown root:root ${GRUB_CFG}`,
    },
    paths(GRUB_CFG, { owner: ['root'], group: ['root'] }),
  ),
  check(
    {
      id: 'cis-d12-1.5.1',
      section: '1.5.1',
      ssg: 'sysctl_kernel_randomize_va_space',
      title: 'Address space layout randomization is full (kernel.randomize_va_space = 2)',
      remediation:
        'Set kernel.randomize_va_space = 2 in a file under /etc/sysctl.d/ and run sysctl --system.',
    },
    sysctl('kernel.randomize_va_space', '2'),
  ),
  check(
    {
      id: 'cis-d12-1.5.2',
      section: '1.5.2',
      ssg: 'sysctl_kernel_yama_ptrace_scope',
      title: 'ptrace is limited to descendants or stricter (kernel.yama.ptrace_scope ≥ 1)',
      remediation:
        'Set kernel.yama.ptrace_scope = 1 (or 2, 3) in a file under /etc/sysctl.d/ and run sysctl --system.',
    },
    sysctl('kernel.yama.ptrace_scope', '1', 'ge'),
  ),
  check(
    {
      id: 'cis-d12-1.5.3-limits',
      section: '1.5.3',
      ssg: 'disable_users_coredumps',
      title: 'Core dumps are limited to zero for all users',
      remediation: 'Add "* hard core 0" to /etc/security/limits.conf or a file in /etc/security/limits.d/.',
    },
    lines('lines:limits', { some: '^\\* hard core 0$' }),
  ),
  check(
    {
      id: 'cis-d12-1.5.3-suid',
      section: '1.5.3',
      ssg: 'sysctl_fs_suid_dumpable',
      title: 'Set-user-ID programs do not dump core (fs.suid_dumpable = 0)',
      remediation: 'Set fs.suid_dumpable = 0 in a file under /etc/sysctl.d/ and run sysctl --system.',
    },
    sysctl('fs.suid_dumpable', '0'),
  ),
  check(
    {
      id: 'cis-d12-1.5.4',
      section: '1.5.4',
      title: 'prelink is not installed',
      remediation: 'Undo prelinking (prelink -ua), then apt purge prelink.',
    },
    notInstalled('prelink'),
  ),
  banner('1.6.1', '/etc/motd', 'banner_etc_motd_cis', 'The message of the day'),
  banner('1.6.2', '/etc/issue', 'banner_etc_issue_cis', 'The local login banner'),
  banner('1.6.3', '/etc/issue.net', 'banner_etc_issue_net_cis', 'The remote login banner'),
  ...bannerFile('1.6.4', '/etc/motd', 'motd', 'message of the day'),
  ...bannerFile('1.6.5', '/etc/issue', 'issue', 'local login banner'),
  ...bannerFile('1.6.6', '/etc/issue.net', 'issue_net', 'remote login banner'),
  check(
    {
      id: 'cis-d12-1.7.1',
      section: '1.7.1',
      ssg: 'package_gdm_removed',
      levels: { server: 2 },
      title: 'The GNOME display manager is not installed',
      remediation: 'apt purge gdm3',
    },
    notInstalled('gdm3'),
  ),
  check(
    {
      id: 'cis-d12-1.7.10',
      section: '1.7.10',
      ssg: 'gnome_gdm_disable_xdmcp',
      title: 'XDMCP is not enabled in GDM',
      applicable: installed('gdm3'),
      remediation: 'Remove "Enable=true" from the [xdmcp] section of /etc/gdm3/custom.conf.',
    },
    lines('file:/etc/gdm3/custom.conf', { none: '^Enable\\s*=\\s*true$', ignoreCase: true }),
  ),
];
