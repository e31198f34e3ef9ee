import type { CheckDefinition } from '../../model/check-model.js';
import {
  all,
  any,
  check,
  installed,
  lines,
  notInstalled,
  unitIn,
  unitNotEnabled,
} from '../check-builders.js';

/** CIS Debian 12 §4: one host firewall, and nftables when it is the one. */

const nftablesChosen = all(installed('nftables'), notInstalled('ufw'));
const FRONT_ENDS = ['ufw.service', 'nftables.service', 'netfilter-persistent.service'];

export const SECTION_4_FIREWALL: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-4.1.1',
      section: '4.1.1',
      ssg: 'firewall_single_service_active',
      title: 'Exactly one firewall front end is in use (ufw, nftables or iptables-persistent)',
      remediation:
        'Enable one of ufw.service, nftables.service or netfilter-persistent.service and disable the others.',
    },
    any(
      ...FRONT_ENDS.map((unit) =>
        all(unitIn(unit, ['enabled']), ...FRONT_ENDS.filter((u) => u !== unit).map(unitNotEnabled)),
      ),
    ),
  ),
  check(
    {
      id: 'cis-d12-4.3.1',
      section: '4.3.1',
      ssg: 'package_nftables_installed',
      title: 'nftables is installed',
      remediation: 'apt install nftables',
    },
    installed('nftables'),
  ),
  check(
    {
      id: 'cis-d12-4.3.4',
      section: '4.3.4',
      ssg: 'set_nftables_table',
      title: 'The nftables configuration defines a table',
      applicable: nftablesChosen,
      remediation: 'Define a table (for example "table inet filter { … }") in /etc/nftables.conf.',
    },
    lines('lines:nftables-conf', { some: '^table (inet|ip|ip6) \\S+' }),
  ),
  check(
    {
      id: 'cis-d12-4.3.5',
      section: '4.3.5',
      ssg: 'set_nftables_base_chain',
      title: 'The nftables configuration hooks input, forward and output',
      applicable: nftablesChosen,
      remediation:
        'Add base chains with "type filter hook input|forward|output priority 0;" to /etc/nftables.conf.',
    },
    all(
      lines('lines:nftables-conf', { some: 'type filter hook input priority' }),
      lines('lines:nftables-conf', { some: 'type filter hook forward priority' }),
      lines('lines:nftables-conf', { some: 'type filter hook output priority' }),
    ),
  ),
  check(
    {
      id: 'cis-d12-4.3.9',
      section: '4.3.9',
      ssg: 'service_nftables_enabled',
      title: 'nftables loads its rules at boot',
      applicable: nftablesChosen,
      remediation: 'systemctl enable nftables.service',
    },
    unitIn('nftables.service', ['enabled']),
  ),
];
