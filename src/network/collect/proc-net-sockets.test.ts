import { describe, expect, it } from 'vitest';
import { unitOf } from './socket-owners.js';
import { isListening, parseProcNet } from './proc-net-sockets.js';

// Lines as a little-endian kernel prints them.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1193 1 0000000000000000 100 0 0 10 0
   1: 0100007F:14C7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 130636 1 0000000000000000 100 0 0 10 0
   2: 0201C80A:0016 0202C80A:D431 01 00000000:00000000 02:0009A1F1 00000000     0        0 0 2 0000000000000000 20 4 29 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 69394 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100C80A:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 69395 1 0000000000000000 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5001 2 0000000000000000 0
  2: 0100C80A:A1B2 08080808:0035 01 00000000:00000000 00:00000000 00000000     0        0 5002 2 0000000000000000 0
`;

describe('/proc/net parsing', () => {
  it('reads addresses, ports, states and inodes; listening = TCP LISTEN or unconnected bound UDP', () => {
    expect(parseProcNet(TCP, 'TCP', 4, true).filter(isListening)).toEqual([
      { protocol: 'TCP', family: 4, address: '0.0.0.0', port: 22, remoteZero: true, state: 10, inode: 1193 },
      {
        protocol: 'TCP',
        family: 4,
        address: '127.0.0.1',
        port: 5319,
        remoteZero: true,
        state: 10,
        inode: 130636,
      },
    ]);
    expect(parseProcNet(TCP6, 'TCP', 6, true).map((s) => `${s.address}:${s.port}`)).toEqual([
      ':::8080',
      '::ffff:10.200.0.1:9000',
    ]);
    expect(
      parseProcNet(UDP, 'UDP', 4, true)
        .filter(isListening)
        .map((s) => s.port),
    ).toEqual([53]);
  });

  it('takes the systemd unit from the cgroup path', () => {
    expect(unitOf('0::/system.slice/ssh.service\n')).toBe('ssh.service');
    expect(unitOf('0::/user.slice/user-0.slice/session-3.scope\n')).toBe('session-3.scope');
    expect(unitOf('0::/\n')).toBeUndefined();
  });
});
