import type { Severity } from '../risk/severity-band.js';

/**
 * The ports network reachability findings recognize, with the service they are associated with and
 * the severity of a finding that shows one reachable from the internet (Inspector Classic's
 * "recognized port" findings: Telnet HIGH, SSH MEDIUM; remote administration, file sharing and data
 * stores that should never face the internet HIGH; web serving LOW). The one table of them.
 */
export interface RecognizedPort {
  port: number;
  protocol: 'TCP' | 'UDP';
  service: string;
  severity: Severity;
}

const T = (port: number, service: string, severity: Severity): RecognizedPort => ({
  port,
  protocol: 'TCP',
  service,
  severity,
});
const U = (port: number, service: string, severity: Severity): RecognizedPort => ({
  port,
  protocol: 'UDP',
  service,
  severity,
});

export const RECOGNIZED_PORTS: readonly RecognizedPort[] = [
  T(20, 'FTP data', 'HIGH'),
  T(21, 'FTP', 'HIGH'),
  T(22, 'SSH', 'MEDIUM'),
  T(23, 'Telnet', 'HIGH'),
  T(25, 'SMTP', 'MEDIUM'),
  T(53, 'DNS', 'MEDIUM'),
  U(53, 'DNS', 'MEDIUM'),
  T(80, 'HTTP', 'LOW'),
  T(110, 'POP3', 'MEDIUM'),
  T(111, 'RPC portmapper', 'HIGH'),
  U(111, 'RPC portmapper', 'HIGH'),
  U(123, 'NTP', 'MEDIUM'),
  T(135, 'MSRPC', 'HIGH'),
  U(137, 'NetBIOS name service', 'HIGH'),
  U(138, 'NetBIOS datagram service', 'HIGH'),
  T(139, 'NetBIOS session service', 'HIGH'),
  T(143, 'IMAP', 'MEDIUM'),
  U(161, 'SNMP', 'HIGH'),
  T(389, 'LDAP', 'HIGH'),
  U(389, 'LDAP', 'HIGH'),
  T(443, 'HTTPS', 'LOW'),
  T(445, 'SMB', 'HIGH'),
  T(636, 'LDAPS', 'MEDIUM'),
  T(873, 'rsync', 'HIGH'),
  T(1433, 'Microsoft SQL Server', 'HIGH'),
  T(1521, 'Oracle database', 'HIGH'),
  T(2049, 'NFS', 'HIGH'),
  U(2049, 'NFS', 'HIGH'),
  T(2375, 'Docker API', 'HIGH'),
  T(2376, 'Docker API (TLS)', 'HIGH'),
  T(3306, 'MySQL', 'HIGH'),
  T(3389, 'RDP', 'HIGH'),
  T(5432, 'PostgreSQL', 'HIGH'),
  T(5601, 'Kibana', 'MEDIUM'),
  T(5900, 'VNC', 'HIGH'),
  T(5984, 'CouchDB', 'HIGH'),
  T(6379, 'Redis', 'HIGH'),
  T(8080, 'HTTP alternate', 'LOW'),
  T(9042, 'Cassandra', 'HIGH'),
  T(9200, 'Elasticsearch', 'HIGH'),
  T(9300, 'Elasticsearch transport', 'HIGH'),
  T(11211, 'Memcached', 'HIGH'),
  U(11211, 'Memcached', 'HIGH'),
  T(27017, 'MongoDB', 'HIGH'),
  T(27018, 'MongoDB', 'HIGH'),
];

const INDEX = new Map(RECOGNIZED_PORTS.map((p) => [`${p.protocol}/${p.port}`, p]));

export function recognizedPort(protocol: 'TCP' | 'UDP', port: number): RecognizedPort | undefined {
  return INDEX.get(`${protocol}/${port}`);
}

export function recognizedPortsIn(protocol: 'TCP' | 'UDP', begin: number, end: number): RecognizedPort[] {
  return RECOGNIZED_PORTS.filter((p) => p.protocol === protocol && p.port >= begin && p.port <= end);
}
