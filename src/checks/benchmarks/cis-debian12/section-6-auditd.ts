import type { CheckDefinition, Condition } from '../../model/check-model.js';
import { all, check, installed, kv, L2, lines, paths, unitIn, value } from '../check-builders.js';

/**
 * CIS Debian 12 §6.2 (Level 2): auditd installed and enabled, its configuration, its rules and its
 * files. Rules are checked one watched file or syscall at a time, as ComplianceAsCode splits them.
 */

const auditd = installed('auditd');
const grub = paths('/etc/default/grub', { type: 'file' });
const AUDIT = 'lines:audit-rules';

/** An audit rule watching a path for writes and attribute changes (`-w PATH -p wa`). */
function watches(path: string): Condition {
  const p = path.replace(/[.]/g, '\\.');
  return lines(AUDIT, { some: `^-w ${p}/? -p [rx]*w[rx]*a` });
}

/** A syscall audited for both ABIs (`-a always,exit -F arch=b64|b32 … -S …name…`). */
function syscall(name: string, archs: readonly string[] = ['b64', 'b32']): Condition {
  return all(
    ...archs.map((arch) =>
      lines(AUDIT, {
        some: `^-a (always,exit|exit,always) -F arch=${arch} (.* )?-S ([a-z0-9_]+,)*${name}(,| |$)`,
      }),
    ),
  );
}

/** [section, ssg rule, title, condition]: each an audit rule file line CIS asks for. */
const RULES: [string, string, string, Condition][] = [
  [
    '6.2.3.1',
    'audit_rules_sysadmin_actions',
    'Changes to sudoers are audited',
    all(watches('/etc/sudoers'), watches('/etc/sudoers.d')),
  ],
  ['6.2.3.4', 'audit_rules_time_adjtimex', 'adjtimex calls are audited', syscall('adjtimex')],
  ['6.2.3.4', 'audit_rules_time_settimeofday', 'settimeofday calls are audited', syscall('settimeofday')],
  ['6.2.3.4', 'audit_rules_time_clock_settime', 'clock_settime calls are audited', syscall('clock_settime')],
  [
    '6.2.3.4',
    'audit_rules_time_watch_localtime',
    'Changes to /etc/localtime are audited',
    watches('/etc/localtime'),
  ],
  [
    '6.2.3.5',
    'audit_rules_networkconfig_modification',
    'Changes to the network environment are audited',
    all(
      syscall('sethostname'),
      syscall('setdomainname'),
      ...['/etc/issue', '/etc/issue.net', '/etc/hosts', '/etc/networks', '/etc/network'].map(watches),
    ),
  ],
  ...(
    [
      ['group', '/etc/group'],
      ['passwd', '/etc/passwd'],
      ['gshadow', '/etc/gshadow'],
      ['shadow', '/etc/shadow'],
      ['opasswd', '/etc/security/opasswd'],
      ['nsswitch_conf', '/etc/nsswitch.conf'],
      ['pam_conf', '/etc/pam.conf'],
      ['pamd', '/etc/pam.d'],
    ] as const
  ).map(([ssg, path]): [string, string, string, Condition] => [
    '6.2.3.8',
    `audit_rules_usergroup_modification_${ssg}`,
    `Changes to ${path} are audited`,
    watches(path),
  ]),
  ...[
    'chmod',
    'fchmod',
    'fchmodat',
    'chown',
    'fchown',
    'fchownat',
    'lchown',
    'setxattr',
    'lsetxattr',
    'fsetxattr',
    'removexattr',
    'lremovexattr',
    'fremovexattr',
  ].map((s): [string, string, string, Condition] => [
    '6.2.3.9',
    `audit_rules_dac_modification_${s}`,
    `${s} calls are audited`,
    syscall(s),
  ]),
  ['6.2.3.10', 'audit_rules_media_export', 'Mounts are audited', syscall('mount')],
  [
    '6.2.3.11',
    'audit_rules_session_events',
    'Session starts are audited',
    all(watches('/var/run/utmp'), watches('/var/log/wtmp'), watches('/var/log/btmp')),
  ],
  [
    '6.2.3.12',
    'audit_rules_login_events_lastlog',
    'Changes to lastlog are audited',
    watches('/var/log/lastlog'),
  ],
  [
    '6.2.3.12',
    'audit_rules_login_events_faillock',
    'Changes to the faillock records are audited',
    watches('/var/run/faillock'),
  ],
  ...['unlink', 'unlinkat', 'rename', 'renameat'].map((s): [string, string, string, Condition] => [
    '6.2.3.13',
    `audit_rules_file_deletion_events_${s}`,
    `${s} calls are audited`,
    syscall(s),
  ]),
  [
    '6.2.3.14',
    'audit_rules_mac_modification_etc_apparmor',
    'Changes to /etc/apparmor are audited',
    watches('/etc/apparmor'),
  ],
  [
    '6.2.3.14',
    'audit_rules_mac_modification_etc_apparmor_d',
    'Changes to /etc/apparmor.d are audited',
    watches('/etc/apparmor.d'),
  ],
  ...(
    [
      ['init', 'init_module'],
      ['finit', 'finit_module'],
      ['delete', 'delete_module'],
      ['create', 'create_module'],
      ['query', 'query_module'],
    ] as const
  ).map(([ssg, s]): [string, string, string, Condition] => [
    '6.2.3.19',
    `audit_rules_kernel_module_loading_${ssg}`,
    `${s} calls are audited`,
    syscall(s, ['b64']),
  ]),
  [
    '6.2.3.20',
    'audit_rules_immutable',
    'The audit configuration is immutable until reboot',
    lines(AUDIT, { some: '^-e 2$' }),
  ],
];

const ruleId = (section: string, ssg: string) =>
  `cis-d12-${section}-${ssg.replace(/^audit_rules_/, '').replace(/_/g, '-')}`;

export const SECTION_6_AUDITD: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-6.2.1.1',
      section: '6.2.1.1',
      ssg: 'package_audit_installed',
      levels: L2,
      title: 'auditd is installed',
      remediation: 'apt install auditd audispd-plugins',
    },
    installed('auditd'),
  ),
  check(
    {
      id: 'cis-d12-6.2.1.1-plugins',
      section: '6.2.1.1',
      ssg: 'package_audit-audispd-plugins_installed',
      levels: L2,
      title: 'audispd-plugins is installed',
      remediation: 'apt install audispd-plugins',
    },
    installed('audispd-plugins'),
  ),
  check(
    {
      id: 'cis-d12-6.2.1.2',
      section: '6.2.1.2',
      ssg: 'service_auditd_enabled',
      levels: L2,
      title: 'auditd is enabled',
      applicable: auditd,
      remediation: 'systemctl unmask auditd; systemctl --now enable auditd',
    },
    unitIn('auditd.service', ['enabled']),
  ),
  check(
    {
      id: 'cis-d12-6.2.1.3',
      section: '6.2.1.3',
      ssg: 'grub2_audit_argument',
      levels: L2,
      title: 'Processes started before auditd are audited (audit=1)',
      applicable: grub,
      remediation: 'Add "audit=1" to GRUB_CMDLINE_LINUX in /etc/default/grub, then run update-grub.',
    },
    kv('grub-default', 'GRUB_CMDLINE_LINUX', 'match', '(^|\\s)audit=1(\\s|$)'),
  ),
  check(
    {
      id: 'cis-d12-6.2.1.4',
      section: '6.2.1.4',
      ssg: 'grub2_audit_backlog_limit_argument',
      levels: L2,
      title: 'The audit backlog holds at least 8192 records',
      applicable: grub,
      remediation:
        'Add "audit_backlog_limit=8192" to GRUB_CMDLINE_LINUX in /etc/default/grub, then run update-grub.',
    },
    kv(
      'grub-default',
      'GRUB_CMDLINE_LINUX',
      'match',
      '(^|\\s)audit_backlog_limit=(819[2-9]|8[2-9]\\d\\d|9\\d{3}|\\d{5,})(\\s|$)',
    ),
  ),
  check(
    {
      id: 'cis-d12-6.2.2.1',
      section: '6.2.2.1',
      ssg: 'auditd_data_retention_max_log_file',
      levels: L2,
      title: 'Audit log files have a size limit',
      applicable: auditd,
      remediation: 'Set max_log_file (MB) in /etc/audit/auditd.conf to the site policy.',
    },
    kv('auditd', 'max_log_file', 'ge', 1),
  ),
  check(
    {
      id: 'cis-d12-6.2.2.2',
      section: '6.2.2.2',
      ssg: 'auditd_data_retention_max_log_file_action',
      levels: L2,
      title: 'Full audit logs are kept, not rotated away',
      applicable: auditd,
      remediation: 'Set "max_log_file_action = keep_logs" in /etc/audit/auditd.conf.',
    },
    value('kv:auditd:max_log_file_action', 'eq', 'keep_logs', { ignoreCase: true }),
  ),
  check(
    {
      id: 'cis-d12-6.2.2.3-full',
      section: '6.2.2.3',
      ssg: 'auditd_data_disk_full_action',
      levels: L2,
      title: 'The system stops when the audit disk is full',
      applicable: auditd,
      remediation: 'Set "disk_full_action = halt" (or single) in /etc/audit/auditd.conf.',
    },
    value('kv:auditd:disk_full_action', 'in', ['halt', 'single'], { ignoreCase: true }),
  ),
  check(
    {
      id: 'cis-d12-6.2.2.3-error',
      section: '6.2.2.3',
      ssg: 'auditd_data_disk_error_action',
      levels: L2,
      title: 'The system stops or reports when the audit disk fails',
      applicable: auditd,
      remediation: 'Set "disk_error_action = halt" (or syslog, single) in /etc/audit/auditd.conf.',
    },
    value('kv:auditd:disk_error_action', 'in', ['syslog', 'single', 'halt'], { ignoreCase: true }),
  ),
  check(
    {
      id: 'cis-d12-6.2.2.4-space',
      section: '6.2.2.4',
      ssg: 'auditd_data_retention_space_left_action',
      levels: L2,
      title: 'Low audit disk space is reported',
      applicable: auditd,
      remediation: 'Set "space_left_action = email" (or exec, single, halt) in /etc/audit/auditd.conf.',
    },
    value('kv:auditd:space_left_action', 'in', ['email', 'exec', 'single', 'halt'], { ignoreCase: true }),
  ),
  check(
    {
      id: 'cis-d12-6.2.2.4-admin',
      section: '6.2.2.4',
      ssg: 'auditd_data_retention_admin_space_left_action',
      levels: L2,
      title: 'Critically low audit disk space stops the system',
      applicable: auditd,
      remediation: 'Set "admin_space_left_action = single" (or halt) in /etc/audit/auditd.conf.',
    },
    value('kv:auditd:admin_space_left_action', 'in', ['single', 'halt'], { ignoreCase: true }),
  ),
  ...RULES.map(([section, ssg, title, condition]) =>
    check(
      {
        id: ruleId(section, ssg),
        section,
        ssg,
        levels: L2,
        title,
        applicable: auditd,
        remediation: 'Add the rule to a file in /etc/audit/rules.d/ and load it with augenrules --load.',
      },
      condition,
    ),
  ),
  check(
    {
      id: 'cis-d12-6.2.4.1',
      section: '6.2.4.1',
      ssg: 'file_permissions_var_log_audit',
      levels: L2,
      title: 'Audit log files are 0640 or stricter and owned by root',
      applicable: auditd,
      remediation: 'chmod 0640 /var/log/audit/*; chown root /var/log/audit/*',
    },
    paths('/var/log/audit/*', { maxMode: '0640', owner: ['root'], ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-6.2.4.5',
      section: '6.2.4.5',
      ssg: 'file_permissions_etc_audit_auditd',
      levels: L2,
      title: 'Audit configuration files are 0640 or stricter',
      remediation: 'chmod u-x,g-wx,o-rwx /etc/audit/auditd.conf /etc/audit/rules.d/*.rules',
    },
    all(
      paths('/etc/audit/auditd.conf', { maxMode: '0640', ifMissing: 'pass' }),
      paths('/etc/audit/rules.d/*.rules', { maxMode: '0640', ifMissing: 'pass' }),
    ),
  ),
];
