import type { CheckDefinition } from '../../model/check-model.js';
import { all, any, check, installed, kv, lines, paths, unitIn } from '../check-builders.js';

/** CIS Debian 12 §2.3–2.4: time synchronization, cron and at. */

const cronInstalled = installed('cron');
const atInstalled = installed('at');

/** [section, path, ssg suffix, max mode]: cron's configuration belongs to root and nobody else. */
const CRON_PATHS: [string, string, string, string][] = [
  ['2.4.1.2', '/etc/crontab', 'crontab', '0600'],
  ['2.4.1.3', '/etc/cron.hourly', 'cron_hourly', '0700'],
  ['2.4.1.4', '/etc/cron.daily', 'cron_daily', '0700'],
  ['2.4.1.5', '/etc/cron.weekly', 'cron_weekly', '0700'],
  ['2.4.1.6', '/etc/cron.monthly', 'cron_monthly', '0700'],
  ['2.4.1.7', '/etc/cron.d', 'cron_d', '0700'],
];

const cronPathChecks = CRON_PATHS.flatMap(([section, path, suffix, max]) => [
  check(
    {
      id: `cis-d12-${section}-mode`,
      section,
      ssg: `file_permissions_${suffix}`,
      title: `${path} permissions are ${max} or stricter`,
      applicable: cronInstalled,
      remediation: `chmod ${max === '0600' ? 'u-x,go-rwx' : 'og-rwx'} ${path}`,
    },
    paths(path, { maxMode: max }),
  ),
  check(
    {
      id: `cis-d12-${section}-owner`,
      section,
      ssg: `file_owner_${suffix}`,
      title: `${path} is owned by root`,
      applicable: cronInstalled,
      remediation: `chown root ${path}`,
    },
    paths(path, { owner: ['root'] }),
  ),
  check(
    {
      id: `cis-d12-${section}-group`,
      section,
      ssg: `file_groupowner_${suffix}`,
      title: `${path} group is root`,
      applicable: cronInstalled,
      remediation: `chgrp root ${path}`,
    },
    paths(path, { group: ['root'] }),
  ),
]);

export const SECTION_2_SCHEDULING: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-2.3.1.1',
      section: '2.3.1.1',
      ssg: 'package_timesyncd_installed',
      title: 'A time synchronization daemon is installed (systemd-timesyncd or chrony)',
      remediation: 'apt install systemd-timesyncd (or chrony, but only one of them).',
    },
    any(installed('systemd-timesyncd'), installed('chrony')),
  ),
  check(
    {
      id: 'cis-d12-2.3.2.1',
      section: '2.3.2.1',
      ssg: 'service_timesyncd_configured',
      title: 'systemd-timesyncd has time servers configured',
      applicable: installed('systemd-timesyncd'),
      remediation:
        'Set NTP= (and FallbackNTP=) in /etc/systemd/timesyncd.conf or a drop-in under timesyncd.conf.d/.',
    },
    any(kv('timesyncd', 'NTP', 'match', '\\S'), kv('timesyncd', 'FallbackNTP', 'match', '\\S')),
  ),
  check(
    {
      id: 'cis-d12-2.3.2.2',
      section: '2.3.2.2',
      ssg: 'service_timesyncd_enabled',
      title: 'systemd-timesyncd is enabled',
      applicable: installed('systemd-timesyncd'),
      remediation:
        'systemctl unmask systemd-timesyncd.service; systemctl --now enable systemd-timesyncd.service',
    },
    unitIn('systemd-timesyncd.service', ['enabled']),
  ),
  check(
    {
      id: 'cis-d12-2.4.1.1',
      section: '2.4.1.1',
      ssg: 'service_cron_enabled',
      title: 'The cron daemon is enabled',
      applicable: cronInstalled,
      remediation: 'systemctl unmask cron.service; systemctl --now enable cron.service',
    },
    unitIn('cron.service', ['enabled']),
  ),
  ...cronPathChecks,
  check(
    {
      id: 'cis-d12-2.4.1.8-allow',
      section: '2.4.1.8',
      ssg: 'file_cron_allow_exists',
      title: 'crontab is limited by /etc/cron.allow',
      applicable: cronInstalled,
      remediation:
        'Create /etc/cron.allow (root:root or root:crontab, mode 0640) listing who may use crontab.',
    },
    paths('/etc/cron.allow', { type: 'file' }),
  ),
  check(
    {
      id: 'cis-d12-2.4.1.8-allow-mode',
      section: '2.4.1.8',
      ssg: 'file_permissions_cron_allow',
      title: '/etc/cron.allow permissions are 0640 or stricter',
      applicable: cronInstalled,
      remediation: 'chmod u-x,g-wx,o-rwx /etc/cron.allow',
    },
    paths('/etc/cron.allow', { maxMode: '0640', ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-2.4.1.8-allow-owner',
      section: '2.4.1.8',
      ssg: 'file_owner_cron_allow',
      title: '/etc/cron.allow is owned by root',
      applicable: cronInstalled,
      remediation: 'chown root /etc/cron.allow',
    },
    paths('/etc/cron.allow', { owner: ['root'], ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-2.4.1.8-allow-group',
      section: '2.4.1.8',
      ssg: 'file_groupowner_cron_allow',
      title: '/etc/cron.allow group is root or crontab',
      applicable: cronInstalled,
      remediation: 'chgrp crontab /etc/cron.allow',
    },
    paths('/etc/cron.allow', { group: ['root', 'crontab'], ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-2.4.1.8-deny',
      section: '2.4.1.8',
      ssg: 'file_cron_deny_not_exist',
      title: '/etc/cron.deny does not exist (cron.allow decides)',
      applicable: cronInstalled,
      remediation: 'rm /etc/cron.deny',
    },
    paths('/etc/cron.deny', { absent: true }),
  ),
  check(
    {
      id: 'cis-d12-2.4.2.1-allow',
      section: '2.4.2.1',
      ssg: 'file_at_allow_exists',
      title: 'at is limited by /etc/at.allow',
      applicable: atInstalled,
      remediation:
        'Create /etc/at.allow (root:root or root:daemon, mode 0640) listing who may use at; remove /etc/at.deny.',
    },
    all(
      paths('/etc/at.allow', { type: 'file', maxMode: '0640', owner: ['root'], group: ['root', 'daemon'] }),
    ),
  ),
  check(
    {
      id: 'cis-d12-2.4.2.1-deny',
      section: '2.4.2.1',
      ssg: 'file_permissions_at_deny',
      title: '/etc/at.deny, if present, is 0640 or stricter and owned by root',
      applicable: atInstalled,
      remediation:
        'chmod u-x,g-wx,o-rwx /etc/at.deny; chown root:daemon /etc/at.deny (or remove it and rely on at.allow)',
    },
    paths('/etc/at.deny', { maxMode: '0640', owner: ['root'], group: ['root', 'daemon'], ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-2.1.21',
      section: '2.1.21',
      ssg: 'postfix_network_listening_disabled',
      title: 'The mail server listens on loopback only',
      applicable: installed('postfix'),
      remediation: 'Set "inet_interfaces = loopback-only" in /etc/postfix/main.cf and restart postfix.',
    },
    lines('file:/etc/postfix/main.cf', {
      every:
        '^inet_interfaces\\s*=\\s*(loopback-only|localhost|127\\.0\\.0\\.1|\\[?::1\\]?)(\\s*,\\s*(localhost|127\\.0\\.0\\.1|\\[?::1\\]?))*$',
      where: '^inet_interfaces\\s*=',
    }),
  ),
];
