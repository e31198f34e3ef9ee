import type { CheckDefinition } from '../../model/check-model.js';
import { check, L2, moduleDisabled, sysctl } from '../check-builders.js';

/** CIS Debian 12 §3.2–3.3: uncommon network protocols and the network kernel parameters. */

/** [section, key, expected, what it does when set as expected]. */
const PARAMETERS: [string, string, string, string][] = [
  ['3.3.1', 'net.ipv4.ip_forward', '0', 'IPv4 packets are not forwarded'],
  ['3.3.1', 'net.ipv6.conf.all.forwarding', '0', 'IPv6 packets are not forwarded'],
  ['3.3.2', 'net.ipv4.conf.all.send_redirects', '0', 'ICMP redirects are not sent (all interfaces)'],
  ['3.3.2', 'net.ipv4.conf.default.send_redirects', '0', 'ICMP redirects are not sent (new interfaces)'],
  ['3.3.3', 'net.ipv4.icmp_ignore_bogus_error_responses', '1', 'Bogus ICMP error responses are ignored'],
  ['3.3.4', 'net.ipv4.icmp_echo_ignore_broadcasts', '1', 'Broadcast ICMP echo requests are ignored'],
  ['3.3.5', 'net.ipv4.conf.all.accept_redirects', '0', 'IPv4 ICMP redirects are refused (all interfaces)'],
  [
    '3.3.5',
    'net.ipv4.conf.default.accept_redirects',
    '0',
    'IPv4 ICMP redirects are refused (new interfaces)',
  ],
  ['3.3.5', 'net.ipv6.conf.all.accept_redirects', '0', 'IPv6 ICMP redirects are refused (all interfaces)'],
  [
    '3.3.5',
    'net.ipv6.conf.default.accept_redirects',
    '0',
    'IPv6 ICMP redirects are refused (new interfaces)',
  ],
  ['3.3.6', 'net.ipv4.conf.all.secure_redirects', '0', 'Secure ICMP redirects are refused (all interfaces)'],
  [
    '3.3.6',
    'net.ipv4.conf.default.secure_redirects',
    '0',
    'Secure ICMP redirects are refused (new interfaces)',
  ],
  ['3.3.7', 'net.ipv4.conf.all.rp_filter', '1', 'Strict reverse path filtering is on (all interfaces)'],
  ['3.3.7', 'net.ipv4.conf.default.rp_filter', '1', 'Strict reverse path filtering is on (new interfaces)'],
  [
    '3.3.8',
    'net.ipv4.conf.all.accept_source_route',
    '0',
    'IPv4 source-routed packets are refused (all interfaces)',
  ],
  [
    '3.3.8',
    'net.ipv4.conf.default.accept_source_route',
    '0',
    'IPv4 source-routed packets are refused (new interfaces)',
  ],
  [
    '3.3.8',
    'net.ipv6.conf.all.accept_source_route',
    '0',
    'IPv6 source-routed packets are refused (all interfaces)',
  ],
  [
    '3.3.8',
    'net.ipv6.conf.default.accept_source_route',
    '0',
    'IPv6 source-routed packets are refused (new interfaces)',
  ],
  ['3.3.9', 'net.ipv4.conf.all.log_martians', '1', 'Martian packets are logged (all interfaces)'],
  ['3.3.9', 'net.ipv4.conf.default.log_martians', '1', 'Martian packets are logged (new interfaces)'],
  ['3.3.10', 'net.ipv4.tcp_syncookies', '1', 'TCP SYN cookies are on'],
  ['3.3.11', 'net.ipv6.conf.all.accept_ra', '0', 'IPv6 router advertisements are refused (all interfaces)'],
  [
    '3.3.11',
    'net.ipv6.conf.default.accept_ra',
    '0',
    'IPv6 router advertisements are refused (new interfaces)',
  ],
];

/** `net.ipv4.conf.all.send_redirects` → `ipv4-all-send-redirects`: a stable id suffix. */
const suffix = (key: string) =>
  key
    .replace(/^net\./, '')
    .replace(/\.conf\./, '.')
    .replace(/[._]/g, '-');

const parameterChecks = PARAMETERS.map(([section, key, expected, title]) =>
  check(
    {
      id: `cis-d12-${section}-${suffix(key)}`,
      section,
      ssg: `sysctl_${key.replace(/\./g, '_')}`,
      title: `${title} (${key} = ${expected})`,
      remediation: `Set ${key} = ${expected} in a file under /etc/sysctl.d/ and run sysctl --system.`,
    },
    sysctl(key, expected),
  ),
);

const PROTOCOLS: [string, string][] = [
  ['3.2.1', 'dccp'],
  ['3.2.2', 'tipc'],
  ['3.2.3', 'rds'],
  ['3.2.4', 'sctp'],
];

const protocolChecks = PROTOCOLS.map(([section, module]) =>
  check(
    {
      id: `cis-d12-${section}`,
      section,
      ssg: `kernel_module_${module}_disabled`,
      levels: L2,
      title: `The ${module} protocol module cannot be loaded`,
      remediation: `Add "install ${module} /bin/false" and "blacklist ${module}" to a file under /etc/modprobe.d/.`,
    },
    moduleDisabled(module),
  ),
);

export const SECTION_3_NETWORK: readonly CheckDefinition[] = [...protocolChecks, ...parameterChecks];
