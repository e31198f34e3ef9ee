// Real listeners for the reachability tests: TCP servers that accept and close, UDP sockets that answer
// every datagram (so nmap can call a UDP port `open`). Argument: a JSON list of
// { proto: 'tcp' | 'udp', host, port, ipv6Only? }. Prints `ready` once every socket is bound.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const specs = JSON.parse(process.argv[2] ?? '[]');
await Promise.all(
  specs.map(
    (s) =>
      new Promise((resolve, reject) => {
        if (s.proto === 'tcp') {
          // Scanners reset connections mid-greeting: a socket error is expected, never fatal.
          const server = createServer((sock) => {
            sock.on('error', () => {});
            sock.end('hello\n');
          });
          server.once('error', reject);
          server.listen({ host: s.host, port: s.port, ipv6Only: s.ipv6Only ?? false }, () => {
            server.removeListener('error', reject);
            server.on('error', () => {});
            resolve();
          });
        } else {
          const sock = createSocket({ type: s.host.includes(':') ? 'udp6' : 'udp4', ipv6Only: s.ipv6Only ?? false });
          sock.on('message', (_msg, rinfo) => sock.send('hello\n', rinfo.port, rinfo.address, () => {}));
          sock.once('error', reject);
          sock.bind({ address: s.host, port: s.port }, () => {
            sock.removeListener('error', reject);
            sock.on('error', () => {});
            resolve();
          });
        }
      }),
  ),
);
process.stdout.write('ready\n');
