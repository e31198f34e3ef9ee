import { endianness } from 'node:os';
import { formatAddress, type IpFamily } from '../address/ip-address.js';

/**
 * `/proc/net/{tcp,tcp6,udp,udp6}` (proc_net_tcp(5)): the sockets of the reading process's network
 * namespace. Addresses are printed as the kernel's 32-bit words in host byte order, hence the
 * byte swap on little-endian machines.
 */

export interface ProcNetSocket {
  protocol: 'TCP' | 'UDP';
  family: IpFamily;
  address: string;
  port: number;
  remoteZero: boolean;
  state: number;
  inode: number;
}

const TCP_LISTEN = 0x0a;
const UDP_UNCONNECTED = 0x07;

function decodeAddress(hex: string, family: IpFamily, littleEndian: boolean): string | undefined {
  if (hex.length !== (family === 4 ? 8 : 32) || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  let value = 0n;
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    const bytes = littleEndian
      ? [6, 4, 2, 0].map((i) => word.slice(i, i + 2))
      : [0, 2, 4, 6].map((i) => word.slice(i, i + 2));
    for (const b of bytes) value = (value << 8n) | BigInt(parseInt(b, 16));
  }
  return formatAddress(family, value);
}

/** Every socket line of one file; lines that do not parse are skipped (the kernel never writes them). */
export function parseProcNet(
  text: string,
  protocol: 'TCP' | 'UDP',
  family: IpFamily,
  littleEndian = endianness() === 'LE',
): ProcNetSocket[] {
  const out: ProcNetSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const [local, remote, st, inode] = [f[1], f[2], f[3], f[9]];
    if (!local || !remote || !st || !inode) continue;
    const [lhex, lport] = local.split(':');
    const [rhex, rport] = remote.split(':');
    const address = lhex ? decodeAddress(lhex, family, littleEndian) : undefined;
    if (!address || !lport || !rhex || !rport) continue;
    out.push({
      protocol,
      family,
      address,
      port: parseInt(lport, 16),
      remoteZero: /^0+$/.test(rhex) && /^0+$/.test(rport),
      state: parseInt(st, 16),
      inode: Number(inode),
    });
  }
  return out;
}

/** Listening TCP sockets and bound, unconnected UDP sockets. */
export function isListening(s: ProcNetSocket): boolean {
  if (s.protocol === 'TCP') return s.state === TCP_LISTEN;
  return s.state === UDP_UNCONNECTED && s.remoteZero && s.port !== 0;
}
