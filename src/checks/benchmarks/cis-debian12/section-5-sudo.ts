import type { CheckDefinition } from '../../model/check-model.js';
import { check, installed, L2, lines } from '../check-builders.js';
import { pamHas, pamRule } from './pam-patterns.js';

/** CIS Debian 12 §5.2: sudo, and su limited to one group. */

const sudoInstalled = installed('sudo');
const SUDO = 'lines:sudoers';

export const SECTION_5_SUDO: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-5.2.1',
      section: '5.2.1',
      ssg: 'package_sudo_installed',
      title: 'sudo is installed',
      remediation: 'apt install sudo',
    },
    installed('sudo'),
  ),
  check(
    {
      id: 'cis-d12-5.2.2',
      section: '5.2.2',
      ssg: 'sudo_add_use_pty',
      title: 'sudo runs commands in a pseudo terminal',
      applicable: sudoInstalled,
      remediation: 'Add "Defaults use_pty" with visudo (in /etc/sudoers or a file in /etc/sudoers.d/).',
    },
    lines(SUDO, { some: '^Defaults\\s+([^#]*[ ,])?use_pty( |,|$)' }),
  ),
  check(
    {
      id: 'cis-d12-5.2.3',
      section: '5.2.3',
      ssg: 'sudo_custom_logfile',
      title: 'sudo keeps its own log file',
      applicable: sudoInstalled,
      remediation: 'Add \'Defaults logfile="/var/log/sudo.log"\' with visudo.',
    },
    lines(SUDO, { some: '^Defaults\\s+([^#]*[ ,])?logfile\\s*=\\s*"?\\S+' }),
  ),
  check(
    {
      id: 'cis-d12-5.2.4',
      section: '5.2.4',
      ssg: 'sudo_require_authentication',
      levels: L2,
      title: 'sudo always asks for a password (no NOPASSWD)',
      applicable: sudoInstalled,
      remediation: 'Remove NOPASSWD tags from /etc/sudoers and /etc/sudoers.d/* with visudo.',
    },
    lines(SUDO, { none: 'NOPASSWD' }),
  ),
  check(
    {
      id: 'cis-d12-5.2.5',
      section: '5.2.5',
      ssg: 'sudo_remove_no_authenticate',
      title: 'sudo authentication is not turned off (!authenticate)',
      applicable: sudoInstalled,
      remediation: 'Remove "!authenticate" from /etc/sudoers and /etc/sudoers.d/* with visudo.',
    },
    lines(SUDO, { none: '!\\s*authenticate' }),
  ),
  check(
    {
      id: 'cis-d12-5.2.6',
      section: '5.2.6',
      ssg: 'sudo_require_reauthentication',
      title: 'sudo asks again after at most 15 minutes',
      applicable: sudoInstalled,
      remediation: 'Set "Defaults timestamp_timeout=15" (or less, not negative) with visudo.',
    },
    lines(SUDO, {
      every: 'timestamp_timeout\\s*=\\s*([0-9]|1[0-5])( |,|$)',
      where: 'timestamp_timeout\\s*=',
      ifMissing: 'pass',
    }),
  ),
  check(
    {
      id: 'cis-d12-5.2.7',
      section: '5.2.7',
      ssg: 'use_pam_wheel_group_for_su',
      title: 'su is limited to the members of one group',
      remediation:
        'Create an empty group (groupadd sugroup) and add "auth required pam_wheel.so use_uid group=sugroup" to /etc/pam.d/su.',
    },
    pamHas('su', pamRule('auth', 'pam_wheel', 'group=\\S+')),
  ),
];
