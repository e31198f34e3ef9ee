import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/**
 * A registry (distribution API, read-only, no auth) over OCI layouts, whose manifest requests wait at
 * a gate the test opens: a scan that asked for its manifest is held "mid-job" for as long as the test
 * needs (a database outage, a SIGTERM), then goes on.
 */
export interface GatedRegistry {
  host: string;
  /** Requests waiting at the gate now. */
  held(): number;
  /** Resolves once `n` requests wait at the gate. */
  waitHeld(n: number): Promise<void>;
  /** Lets the waiting requests (and all later ones) through. */
  open(): void;
  /** Holds later requests again. */
  close(): void;
  stop(): Promise<void>;
}

/** `images`: repository name → OCI layout dir (tag `v1`, as writeOciLayout writes it). */
export async function startGatedRegistry(images: Readonly<Record<string, string>>): Promise<GatedRegistry> {
  let gateOpen = false;
  let waiting: Array<() => void> = [];
  let heldChanged: Array<() => void> = [];
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(req.url ?? '');
    const layout = m?.[1] !== undefined ? images[m[1]] : undefined;
    if (req.url === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (!m || !layout) {
      res.writeHead(404).end();
      return;
    }
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; mediaType: string }>;
    };
    const manifest = index.manifests[0];
    const digest = m[2] === 'manifests' && !m[3]?.startsWith('sha256:') ? manifest?.digest : m[3];
    if (!digest) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(join(layout, 'blobs/sha256', digest.slice('sha256:'.length)));
    const type = m[2] === 'manifests' ? (manifest?.mediaType ?? '') : 'application/octet-stream';
    const headers = { 'content-type': type, 'docker-content-digest': digest, 'content-length': body.length };
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer((req, res) => {
    const isManifest = /\/manifests\//.test(req.url ?? '');
    if (!isManifest || gateOpen) return serve(req, res);
    waiting.push(() => serve(req, res));
    for (const f of heldChanged) f();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    held: () => waiting.length,
    waitHeld: (n) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (waiting.length < n) return;
          heldChanged = heldChanged.filter((f) => f !== check);
          resolve();
        };
        heldChanged.push(check);
        check();
      }),
    open() {
      gateOpen = true;
      const go = waiting;
      waiting = [];
      for (const f of go) f();
    },
    close() {
      gateOpen = false;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
