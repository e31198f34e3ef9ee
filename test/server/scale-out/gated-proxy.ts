import { execFile } from 'node:child_process';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { requireTool } from '../../fixtures/required-tool.js';

const run = promisify(execFile);

/**
 * A pass-through HTTP proxy in front of a real registry (Debian's docker-registry) whose manifest GETs
 * wait at a gate the test opens, so a scan of a pushed image can be held mid-job by the worker that
 * took it. Pushes go to the registry itself; vigil's registry record points here.
 */
export interface GatedProxy {
  host: string;
  /** Where requests go (host:port); settable because the registry starts after the proxy's address is known. */
  target: string;
  /** Client ports (the vigil side of the connection) of the requests waiting at the gate now. */
  heldPorts(): number[];
  waitHeld(n: number, ms: number): Promise<void>;
  open(): void;
  close(): void;
  stop(): Promise<void>;
}

export async function startGatedProxy(): Promise<GatedProxy> {
  let gateOpen = true;
  let waiting: Array<{ port: number; go: () => void }> = [];
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const [hostname, port] = proxy.target.split(':');
    const out = request(
      { hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  };
  const server = createServer((req, res) => {
    const isManifestGet = req.method === 'GET' && /\/manifests\//.test(req.url ?? '');
    if (!isManifestGet || gateOpen) return forward(req, res);
    waiting.push({ port: req.socket.remotePort ?? 0, go: () => forward(req, res) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: GatedProxy = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    target: '',
    heldPorts: () => waiting.map((w) => w.port),
    async waitHeld(n, ms) {
      const deadline = Date.now() + ms;
      while (waiting.length < n) {
        if (Date.now() > deadline) throw new Error(`no ${n} requests held at the gate in ${ms} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    open() {
      gateOpen = true;
      const go = waiting;
      waiting = [];
      for (const w of go) w.go();
    },
    close() {
      gateOpen = false;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}

/** The pid of the process on this machine whose TCP connection has local port `port` (ss, iproute2). */
export async function pidOfClientPort(port: number): Promise<number> {
  const ss = requireTool('ss', 'iproute2');
  const { stdout } = await run(ss, ['-Htnp', 'state', 'established', `( sport = :${port} )`]);
  const pid = /pid=(\d+)/.exec(stdout)?.[1];
  if (!pid) throw new Error(`no process holds local port ${port}: ${stdout}`);
  return Number(pid);
}
