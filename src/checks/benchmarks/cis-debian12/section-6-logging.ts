import type { CheckDefinition } from '../../model/check-model.js';
import { all, any, check, installed, kv, lines, notInstalled, paths, unitIn } from '../check-builders.js';

/** CIS Debian 12 §6.1 and §6.3: journald or rsyslog, and AIDE. */

const rsyslog = installed('rsyslog');
/** journald exists only with systemd (a minimal rootfs has neither). */
const journald = installed('systemd');
export const SECTION_6_LOGGING: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-6.1.1.1',
      section: '6.1.1.1',
      ssg: 'service_systemd-journald_enabled',
      title: 'journald runs at boot (static or enabled)',
      applicable: journald,
      remediation: 'systemctl unmask systemd-journald.service',
    },
    unitIn('systemd-journald.service', ['static', 'enabled']),
  ),
  check(
    {
      id: 'cis-d12-6.1.2.2',
      section: '6.1.2.2',
      ssg: 'journald_disable_forward_to_syslog',
      title: 'journald keeps logs itself (ForwardToSyslog=no) when it is the only logger',
      applicable: all(journald, notInstalled('rsyslog')),
      remediation: 'Set ForwardToSyslog=no under [Journal] in a drop-in in /etc/systemd/journald.conf.d/.',
    },
    kv('journald', 'ForwardToSyslog', 'eq', 'no'),
  ),
  check(
    {
      id: 'cis-d12-6.1.2.3',
      section: '6.1.2.3',
      ssg: 'journald_compress',
      title: 'journald compresses large entries',
      applicable: journald,
      remediation: 'Set Compress=yes under [Journal] in a drop-in in /etc/systemd/journald.conf.d/.',
    },
    kv('journald', 'Compress', 'eq', 'yes'),
  ),
  check(
    {
      id: 'cis-d12-6.1.2.4',
      section: '6.1.2.4',
      ssg: 'journald_storage',
      title: 'journald writes logs to disk',
      applicable: journald,
      remediation: 'Set Storage=persistent under [Journal] in a drop-in in /etc/systemd/journald.conf.d/.',
    },
    kv('journald', 'Storage', 'eq', 'persistent'),
  ),
  check(
    {
      id: 'cis-d12-6.1.3.1',
      section: '6.1.3.1',
      ssg: 'package_rsyslog_installed',
      title: 'rsyslog is installed',
      remediation: 'apt install rsyslog',
    },
    rsyslog,
  ),
  check(
    {
      id: 'cis-d12-6.1.3.2',
      section: '6.1.3.2',
      ssg: 'service_rsyslog_enabled',
      title: 'rsyslog is enabled',
      applicable: rsyslog,
      remediation: 'systemctl unmask rsyslog.service; systemctl --now enable rsyslog.service',
    },
    unitIn('rsyslog.service', ['enabled']),
  ),
  check(
    {
      id: 'cis-d12-6.1.3.3',
      section: '6.1.3.3',
      ssg: 'journald_forward_to_syslog',
      title: 'journald hands logs to rsyslog (ForwardToSyslog=yes)',
      applicable: rsyslog,
      remediation: 'Set ForwardToSyslog=yes under [Journal] in a drop-in in /etc/systemd/journald.conf.d/.',
    },
    kv('journald', 'ForwardToSyslog', 'eq', 'yes'),
  ),
  check(
    {
      id: 'cis-d12-6.1.3.4',
      section: '6.1.3.4',
      ssg: 'rsyslog_filecreatemode',
      title: 'rsyslog creates log files 0640 or stricter',
      applicable: rsyslog,
      remediation: 'Set "$FileCreateMode 0640" in /etc/rsyslog.conf or a file in /etc/rsyslog.d/.',
    },
    all(
      lines('lines:rsyslog', { some: '^\\$FileCreateMode 0?[0-6][0-4]0$' }),
      lines('lines:rsyslog', { every: '^\\$FileCreateMode 0?[0-6][0-4]0$', where: '^\\$FileCreateMode ' }),
    ),
  ),
  check(
    {
      id: 'cis-d12-6.1.3.7',
      section: '6.1.3.7',
      ssg: 'rsyslog_nolisten',
      title: 'rsyslog does not accept remote messages',
      remediation:
        'Remove imtcp/imudp modules and inputs (and $InputTCPServerRun, $UDPServerRun) from the rsyslog configuration.',
    },
    lines('lines:rsyslog', {
      none: '^(\\$ModLoad im(tcp|udp)|\\$InputTCPServerRun|\\$UDPServerRun|module\\(load="im(tcp|udp)"|input\\(type="im(tcp|udp)")',
    }),
  ),
  check(
    {
      id: 'cis-d12-6.3.1',
      section: '6.3.1',
      ssg: 'package_aide_installed',
      title: 'AIDE is installed',
      remediation: 'apt install aide aide-common; aideinit',
    },
    installed('aide'),
  ),
  check(
    {
      id: 'cis-d12-6.3.2',
      section: '6.3.2',
      ssg: 'aide_periodic_checking_systemd_timer',
      title: 'AIDE checks the filesystem regularly',
      applicable: installed('aide'),
      remediation:
        'systemctl --now enable dailyaidecheck.timer (aide-common), or schedule "aide --check" in cron.',
    },
    any(
      unitIn('dailyaidecheck.timer', ['enabled']),
      lines('file:/etc/crontab', { some: 'aide' }),
      paths('/etc/cron.daily/dailyaidecheck', { type: 'file' }),
    ),
  ),
];
