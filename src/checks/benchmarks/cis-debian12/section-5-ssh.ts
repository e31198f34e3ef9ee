import type { CheckDefinition, CheckLevel, CheckProfile, Condition } from '../../model/check-model.js';
import { all, any, check, installed, paths, sshd, value } from '../check-builders.js';

/** CIS Debian 12 §5.1: the OpenSSH server's files and settings (as sshd itself would apply them). */

const sshInstalled = installed('openssh-server');
const WORKSTATION_FIRST = { server: 2, workstation: 1 } as const;

const WEAK_CIPHERS = [
  '3des-cbc',
  'aes128-cbc',
  'aes192-cbc',
  'aes256-cbc',
  'rijndael-cbc@lysator.liu.se',
  'blowfish-cbc',
  'cast128-cbc',
  'arcfour',
  'arcfour128',
  'arcfour256',
];
const WEAK_MACS = [
  'hmac-md5',
  'hmac-md5-96',
  'hmac-ripemd160',
  'hmac-sha1-96',
  'umac-64@openssh.com',
  'hmac-md5-etm@openssh.com',
  'hmac-md5-96-etm@openssh.com',
  'hmac-ripemd160-etm@openssh.com',
  'hmac-sha1-96-etm@openssh.com',
  'umac-64-etm@openssh.com',
];
const WEAK_KEX = [
  'diffie-hellman-group1-sha1',
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group-exchange-sha1',
];

const listHasNone = (items: readonly string[]) =>
  `(^|,)(${items.map((i) => i.replace(/[.+]/g, '\\$&')).join('|')})(,|$)`;

interface Setting {
  section: string;
  ssg: string;
  title: string;
  remediation: string;
  condition: Condition;
  levels?: Partial<Record<CheckProfile, CheckLevel>>;
}

const SETTINGS: readonly Setting[] = [
  {
    section: '5.1.4',
    ssg: 'sshd_limit_user_access',
    title: 'sshd limits who may log in (AllowUsers, AllowGroups, DenyUsers or DenyGroups)',
    remediation:
      'Add AllowGroups (or AllowUsers, DenyUsers, DenyGroups) to /etc/ssh/sshd_config naming who may log in.',
    condition: any(
      ...['allowusers', 'allowgroups', 'denyusers', 'denygroups'].map((o) =>
        value(`sshd:${o}`, 'match', '\\S'),
      ),
    ),
  },
  {
    section: '5.1.5',
    ssg: 'sshd_enable_warning_banner_net',
    title: 'sshd shows a warning banner',
    remediation: 'Set "Banner /etc/issue.net" in /etc/ssh/sshd_config.',
    condition: sshd('banner', 'ne', 'none'),
  },
  {
    section: '5.1.6',
    ssg: 'sshd_use_strong_ciphers',
    title: 'sshd offers no weak ciphers',
    remediation:
      'Set Ciphers in /etc/ssh/sshd_config to a list without CBC, 3DES, Blowfish, CAST or RC4 ciphers.',
    condition: sshd('ciphers', 'notMatch', listHasNone(WEAK_CIPHERS)),
  },
  {
    section: '5.1.7',
    ssg: 'sshd_set_idle_timeout',
    title: 'sshd probes idle clients (ClientAliveInterval > 0)',
    remediation: 'Set ClientAliveInterval 15 (seconds, more than 0) in /etc/ssh/sshd_config.',
    condition: sshd('clientaliveinterval', 'gt', 0),
  },
  {
    section: '5.1.7',
    ssg: 'sshd_set_keepalive',
    title: 'sshd drops clients that stop answering (ClientAliveCountMax > 0)',
    remediation: 'Set ClientAliveCountMax 3 (more than 0) in /etc/ssh/sshd_config.',
    condition: sshd('clientalivecountmax', 'gt', 0),
  },
  {
    section: '5.1.8',
    ssg: 'sshd_disable_forwarding',
    levels: WORKSTATION_FIRST,
    title: 'sshd forwards nothing (DisableForwarding yes)',
    remediation: 'Set "DisableForwarding yes" in /etc/ssh/sshd_config.',
    condition: sshd('disableforwarding', 'eq', 'yes'),
  },
  {
    section: '5.1.9',
    ssg: 'sshd_disable_gssapi_auth',
    levels: WORKSTATION_FIRST,
    title: 'sshd does not use GSSAPI authentication',
    remediation: 'Set "GSSAPIAuthentication no" in /etc/ssh/sshd_config.',
    condition: sshd('gssapiauthentication', 'eq', 'no'),
  },
  {
    section: '5.1.10',
    ssg: 'disable_host_auth',
    title: 'sshd does not trust host-based authentication',
    remediation: 'Set "HostbasedAuthentication no" in /etc/ssh/sshd_config.',
    condition: sshd('hostbasedauthentication', 'eq', 'no'),
  },
  {
    section: '5.1.11',
    ssg: 'sshd_disable_rhosts',
    title: 'sshd ignores .rhosts and .shosts',
    remediation: 'Set "IgnoreRhosts yes" in /etc/ssh/sshd_config.',
    condition: sshd('ignorerhosts', 'eq', 'yes'),
  },
  {
    section: '5.1.12',
    ssg: 'sshd_use_strong_kex',
    title: 'sshd offers no weak key exchange methods',
    remediation: 'Set KexAlgorithms in /etc/ssh/sshd_config to a list without SHA-1 Diffie-Hellman methods.',
    condition: sshd('kexalgorithms', 'notMatch', listHasNone(WEAK_KEX)),
  },
  {
    section: '5.1.13',
    ssg: 'sshd_set_login_grace_time',
    title: 'sshd gives at most a minute to log in (LoginGraceTime 1–60)',
    remediation: 'Set "LoginGraceTime 60" (or less, not 0) in /etc/ssh/sshd_config.',
    condition: all(sshd('logingracetime', 'ge', 1), sshd('logingracetime', 'le', 60)),
  },
  {
    section: '5.1.14',
    ssg: 'sshd_set_loglevel_info',
    title: 'sshd logs at INFO or VERBOSE',
    remediation: 'Set "LogLevel VERBOSE" (or INFO) in /etc/ssh/sshd_config.',
    condition: sshd('loglevel', 'in', ['info', 'verbose']),
  },
  {
    section: '5.1.15',
    ssg: 'sshd_use_strong_macs',
    title: 'sshd offers no weak MACs',
    remediation:
      'Set MACs in /etc/ssh/sshd_config to a list without MD5, RIPEMD-160, 96-bit SHA-1 or 64-bit UMAC.',
    condition: sshd('macs', 'notMatch', listHasNone(WEAK_MACS)),
  },
  {
    section: '5.1.16',
    ssg: 'sshd_set_max_auth_tries',
    title: 'sshd allows at most 4 authentication attempts',
    remediation: 'Set "MaxAuthTries 4" (or less) in /etc/ssh/sshd_config.',
    condition: sshd('maxauthtries', 'le', 4),
  },
  {
    section: '5.1.17',
    ssg: 'sshd_set_max_sessions',
    title: 'sshd allows at most 10 sessions per connection',
    remediation: 'Set "MaxSessions 10" (or less) in /etc/ssh/sshd_config.',
    condition: sshd('maxsessions', 'le', 10),
  },
  {
    section: '5.1.18',
    ssg: 'sshd_set_maxstartups',
    title: 'sshd throttles unauthenticated connections (MaxStartups 10:30:60 or stricter)',
    remediation: 'Set "MaxStartups 10:30:60" in /etc/ssh/sshd_config.',
    condition: all(
      value('sshd:maxstartups', 'le', 10, { part: { separator: ':', index: 0 } }),
      value('sshd:maxstartups', 'ge', 30, { part: { separator: ':', index: 1 } }),
      value('sshd:maxstartups', 'le', 60, { part: { separator: ':', index: 2 } }),
    ),
  },
  {
    section: '5.1.19',
    ssg: 'sshd_disable_empty_passwords',
    title: 'sshd refuses empty passwords',
    remediation: 'Set "PermitEmptyPasswords no" in /etc/ssh/sshd_config.',
    condition: sshd('permitemptypasswords', 'eq', 'no'),
  },
  {
    section: '5.1.20',
    ssg: 'sshd_disable_root_login',
    title: 'sshd refuses root logins',
    remediation: 'Set "PermitRootLogin no" in /etc/ssh/sshd_config; log in as a user and use sudo.',
    condition: sshd('permitrootlogin', 'eq', 'no'),
  },
  {
    section: '5.1.21',
    ssg: 'sshd_do_not_permit_user_env',
    title: 'sshd ignores user environment files',
    remediation: 'Set "PermitUserEnvironment no" in /etc/ssh/sshd_config.',
    condition: sshd('permituserenvironment', 'eq', 'no'),
  },
  {
    section: '5.1.22',
    ssg: 'sshd_enable_pam',
    title: 'sshd uses PAM',
    remediation: 'Set "UsePAM yes" in /etc/ssh/sshd_config.',
    condition: sshd('usepam', 'eq', 'yes'),
  },
];

const SSHD_CONFIG = '/etc/ssh/sshd_config';

const fileChecks = [
  check(
    {
      id: 'cis-d12-5.1.1-mode',
      section: '5.1.1',
      ssg: 'file_permissions_sshd_config',
      title: 'sshd configuration files are 0600 or stricter',
      applicable: sshInstalled,
      remediation: `chmod u-x,og-rwx ${SSHD_CONFIG} /etc/ssh/sshd_config.d/*.conf`,
    },
    all(
      paths(SSHD_CONFIG, { maxMode: '0600' }),
      paths('/etc/ssh/sshd_config.d/*.conf', { maxMode: '0600', ifMissing: 'pass' }),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.1.1-owner',
      section: '5.1.1',
      ssg: 'file_owner_sshd_config',
      title: 'sshd configuration files are owned by root',
      applicable: sshInstalled,
      remediation: `chown root ${SSHD_CONFIG} /etc/ssh/sshd_config.d/*.conf`,
    },
    all(
      paths(SSHD_CONFIG, { owner: ['root'] }),
      paths('/etc/ssh/sshd_config.d/*.conf', { owner: ['root'], ifMissing: 'pass' }),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.1.1-group',
      section: '5.1.1',
      ssg: 'file_groupowner_sshd_config',
      title: 'sshd configuration files belong to group root',
      applicable: sshInstalled,
      remediation: `chgrp root ${SSHD_CONFIG} /etc/ssh/sshd_config.d/*.conf`,
    },
    all(
      paths(SSHD_CONFIG, { group: ['root'] }),
      paths('/etc/ssh/sshd_config.d/*.conf', { group: ['root'], ifMissing: 'pass' }),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.1.2',
      section: '5.1.2',
      ssg: 'file_permissions_sshd_private_key',
      title: 'SSH host private keys are readable by root only',
      applicable: sshInstalled,
      remediation: 'chmod u-x,go-rwx /etc/ssh/ssh_host_*_key; chown root:root /etc/ssh/ssh_host_*_key',
    },
    paths('/etc/ssh/ssh_host_*_key', { maxMode: '0600', owner: ['root'], ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-5.1.3',
      section: '5.1.3',
      ssg: 'file_permissions_sshd_pub_key',
      title: 'SSH host public keys are 0644 or stricter',
      applicable: sshInstalled,
      remediation: 'chmod u-x,go-wx /etc/ssh/ssh_host_*_key.pub; chown root:root /etc/ssh/ssh_host_*_key.pub',
    },
    paths('/etc/ssh/ssh_host_*_key.pub', { maxMode: '0644', owner: ['root'], ifMissing: 'pass' }),
  ),
];

export const SECTION_5_SSH: readonly CheckDefinition[] = [
  ...fileChecks,
  ...SETTINGS.map((s) =>
    check(
      {
        id: `cis-d12-${s.section}${s.ssg === 'sshd_set_keepalive' ? '-countmax' : ''}`,
        section: s.section,
        ssg: s.ssg,
        ...(s.levels ? { levels: s.levels } : {}),
        title: s.title,
        applicable: sshInstalled,
        remediation: s.remediation,
      },
      s.condition,
    ),
  ),
];
