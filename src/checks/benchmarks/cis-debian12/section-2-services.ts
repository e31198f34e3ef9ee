import type { CheckDefinition, CheckLevel, CheckProfile } from '../../model/check-model.js';
import { all, any, check, L1, L1_SERVER, notInstalled, unitNotEnabled } from '../check-builders.js';

/**
 * CIS Debian 12 §2.1–2.2: server and client software that should not be in use. A service passes when
 * its package is not installed, or when it is installed (as a dependency) and none of its units is enabled.
 */

interface Service {
  section: string;
  what: string;
  packages: readonly string[];
  units: readonly string[];
  ssg?: string;
  levels?: Partial<Record<CheckProfile, CheckLevel>>;
}

const SERVICES: readonly Service[] = [
  {
    section: '2.1.1',
    what: 'autofs',
    packages: ['autofs'],
    units: ['autofs.service'],
    ssg: 'package_autofs_removed',
    levels: L1_SERVER,
  },
  {
    section: '2.1.2',
    what: 'Avahi',
    packages: ['avahi-daemon'],
    units: ['avahi-daemon.service', 'avahi-daemon.socket'],
    ssg: 'package_avahi_removed',
    levels: L1_SERVER,
  },
  {
    section: '2.1.3',
    what: 'a DHCP server',
    packages: ['isc-dhcp-server', 'kea-dhcp4-server'],
    units: ['isc-dhcp-server.service', 'isc-dhcp-server6.service'],
    ssg: 'package_dhcp_removed',
  },
  {
    section: '2.1.4',
    what: 'a DNS server',
    packages: ['bind9'],
    units: ['named.service'],
    ssg: 'package_bind_removed',
  },
  {
    section: '2.1.5',
    what: 'dnsmasq',
    packages: ['dnsmasq'],
    units: ['dnsmasq.service'],
    ssg: 'package_dnsmasq_removed',
  },
  {
    section: '2.1.6',
    what: 'an FTP server',
    packages: ['vsftpd'],
    units: ['vsftpd.service'],
    ssg: 'package_vsftpd_removed',
  },
  {
    section: '2.1.7',
    what: 'an LDAP server',
    packages: ['slapd'],
    units: ['slapd.service'],
    ssg: 'package_openldap-servers_removed',
  },
  {
    section: '2.1.8',
    what: 'an IMAP/POP3 server',
    packages: ['dovecot-imapd', 'dovecot-pop3d'],
    units: ['dovecot.service', 'dovecot.socket'],
    ssg: 'package_dovecot_removed',
  },
  {
    section: '2.1.9',
    what: 'an NFS server',
    packages: ['nfs-kernel-server'],
    units: ['nfs-server.service'],
    ssg: 'package_nfs-kernel-server_removed',
  },
  {
    section: '2.1.10',
    what: 'a NIS server',
    packages: ['ypserv'],
    units: ['ypserv.service'],
    ssg: 'package_ypserv_removed',
  },
  {
    section: '2.1.11',
    what: 'CUPS',
    packages: ['cups'],
    units: ['cups.service', 'cups.socket'],
    ssg: 'package_cups_removed',
    levels: L1_SERVER,
  },
  {
    section: '2.1.12',
    what: 'rpcbind',
    packages: ['rpcbind'],
    units: ['rpcbind.service', 'rpcbind.socket'],
    ssg: 'package_rpcbind_removed',
  },
  {
    section: '2.1.13',
    what: 'rsync as a daemon',
    packages: ['rsync'],
    units: ['rsync.service'],
    ssg: 'package_rsync_removed',
  },
  {
    section: '2.1.14',
    what: 'Samba',
    packages: ['samba'],
    units: ['smbd.service'],
    ssg: 'package_samba_removed',
  },
  {
    section: '2.1.15',
    what: 'an SNMP agent',
    packages: ['snmpd'],
    units: ['snmpd.service'],
    ssg: 'package_net-snmp_removed',
  },
  {
    section: '2.1.16',
    what: 'a TFTP server',
    packages: ['tftpd-hpa'],
    units: ['tftpd-hpa.service'],
    ssg: 'package_tftp-server_removed',
  },
  {
    section: '2.1.17',
    what: 'a web proxy',
    packages: ['squid'],
    units: ['squid.service'],
    ssg: 'package_squid_removed',
  },
  {
    section: '2.1.18',
    what: 'Apache',
    packages: ['apache2'],
    units: ['apache2.service'],
    ssg: 'package_httpd_removed',
  },
  {
    section: '2.1.18',
    what: 'nginx',
    packages: ['nginx', 'nginx-core', 'nginx-light', 'nginx-full', 'nginx-extras'],
    units: ['nginx.service'],
    ssg: 'package_nginx_removed',
  },
  {
    section: '2.1.19',
    what: 'xinetd',
    packages: ['xinetd'],
    units: ['xinetd.service'],
    ssg: 'package_xinetd_removed',
  },
  {
    section: '2.1.20',
    what: 'the X Window server',
    packages: ['xserver-xorg-core'],
    units: [],
    ssg: 'package_xorg-x11-server-common_removed',
    levels: { server: 2 },
  },
];

const slug = (s: Service) => (s.section === '2.1.18' ? `-${s.what.toLowerCase()}` : '');

const serviceChecks = SERVICES.map((s) =>
  check(
    {
      id: `cis-d12-${s.section}${slug(s)}`,
      section: s.section,
      ...(s.ssg ? { ssg: s.ssg } : {}),
      levels: s.levels ?? L1,
      title: `${s.what[0]?.toUpperCase()}${s.what.slice(1)} is not in use`,
      remediation:
        `apt purge ${s.packages.join(' ')}; if another package needs it, stop and mask ` +
        `${s.units.length ? s.units.join(' ') : 'its units'} instead.`,
    },
    s.units.length
      ? any(all(...s.packages.map(notInstalled)), all(...s.units.map(unitNotEnabled)))
      : all(...s.packages.map(notInstalled)),
  ),
);

const CLIENTS: [string, string, readonly string[], string][] = [
  ['2.2.1', 'The NIS client', ['nis'], 'package_nis_removed'],
  ['2.2.2', 'The rsh client', ['rsh-client'], 'package_rsh_removed'],
  ['2.2.3', 'The talk client', ['talk'], 'package_talk_removed'],
  ['2.2.4', 'The telnet client', ['telnet'], 'package_telnet_removed'],
  ['2.2.5', 'The LDAP client', ['ldap-utils'], 'package_openldap-clients_removed'],
  ['2.2.6', 'The ftp client', ['ftp'], 'package_ftp_removed'],
];

const clientChecks = [
  ...CLIENTS.map(([section, what, pkgs, ssg]) =>
    check(
      {
        id: `cis-d12-${section}`,
        section,
        ssg,
        title: `${what} is not installed`,
        remediation: `apt purge ${pkgs.join(' ')}`,
      },
      all(...pkgs.map(notInstalled)),
    ),
  ),
  check(
    {
      id: 'cis-d12-2.2.4-inetutils',
      section: '2.2.4',
      ssg: 'package_inetutils-telnet_removed',
      title: 'The inetutils telnet client is not installed',
      remediation: 'apt purge inetutils-telnet',
    },
    notInstalled('inetutils-telnet'),
  ),
  check(
    {
      id: 'cis-d12-2.2.6-tnftp',
      section: '2.2.6',
      ssg: 'package_tnftp_removed',
      title: 'The tnftp client is not installed',
      remediation: 'apt purge tnftp',
    },
    notInstalled('tnftp'),
  ),
  check(
    {
      id: 'cis-d12-3.1.3',
      section: '3.1.3',
      ssg: 'service_bluetooth_disabled',
      levels: L1_SERVER,
      title: 'Bluetooth is not in use',
      remediation: 'apt purge bluez; if a desktop needs it, stop and mask bluetooth.service instead.',
    },
    any(notInstalled('bluez'), unitNotEnabled('bluetooth.service')),
  ),
];

export const SECTION_2_SERVICES: readonly CheckDefinition[] = [...serviceChecks, ...clientChecks];
