import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * A small client of the issue 12 agent contract (what `vigil agent` does on the wire), so the server's
 * half is driven by real HTTP requests: gzip bodies, the host key as a bearer token.
 */
export interface Reply {
  status: number;
  json: Record<string, unknown>;
}

export interface PostOptions {
  key?: string;
  /** gzip the body (Content-Encoding: gzip), as the agent does. */
  gzip?: boolean;
  headers?: Record<string, string>;
}

/** A JSON POST through node:http; the response is read even when the server answers before the body is sent. */
export function post(base: string, path: string, body: unknown, opts: PostOptions = {}): Promise<Reply> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const payload = opts.gzip ? gzipSync(raw) : raw;
  return rawPost(base, path, payload, {
    'content-type': 'application/json',
    ...(opts.gzip ? { 'content-encoding': 'gzip' } : {}),
    ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
    ...opts.headers,
  });
}

export function rawPost(
  base: string,
  path: string,
  payload: Buffer,
  headers: Record<string, string>,
): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(payload.length) } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
        res.on('error', reject);
      },
    );
    // A server that refuses early may close while the body is still going out: the answer counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(payload);
  });
}

export function inventoryHash(inventory: unknown): string {
  return createHash('sha256').update(JSON.stringify(inventory)).digest('hex');
}

export interface Host {
  machineId: string;
  hostname: string;
  key: string;
  resourceId: string;
  accountId: string;
}

export async function enroll(
  base: string,
  token: string,
  machineId: string,
  extra: Record<string, unknown> = {},
): Promise<Reply & { host?: Host }> {
  const hostname = `host-${machineId.slice(0, 8)}`;
  const r = await post(
    base,
    '/v1/agent/enroll',
    { token, machineId, hostname, agentVersion: '0.1.0', os: { id: 'debian', versionId: '12' }, ...extra },
    { gzip: true },
  );
  if (r.status !== 201) return r;
  const j = r.json as { hostKey: string; resourceId: string; accountId: string };
  return {
    ...r,
    host: { machineId, hostname, key: j.hostKey, resourceId: j.resourceId, accountId: j.accountId },
  };
}

/** A check-in: a heartbeat with the hash, or a full inventory when `inventory` is given. */
export function checkin(
  base: string,
  host: Pick<Host, 'key'>,
  c: {
    hash: string;
    inventory?: unknown;
    inventoryError?: unknown;
    sentAt?: string;
    extra?: Record<string, unknown>;
  },
): Promise<Reply> {
  return post(
    base,
    '/v1/agent/checkin',
    {
      agentVersion: '0.1.0',
      sentAt: c.sentAt ?? new Date().toISOString(),
      inventoryHash: c.hash,
      ...(c.inventory !== undefined ? { inventory: c.inventory } : {}),
      ...(c.inventoryError !== undefined ? { inventoryError: c.inventoryError } : {}),
      ...c.extra,
    },
    { key: host.key, gzip: true },
  );
}

/** A vigil inventory of a Debian host: `vigil-testlib` (Debian:12 data) and `leftpad-vigil` (npm). */
export function debianInventory(
  o: { testlib?: string; leftpad?: string; os?: Record<string, unknown> | null } = {},
): Record<string, unknown> {
  const packages: unknown[] = [];
  if (o.testlib !== undefined)
    packages.push({
      id: `deb-${o.testlib}`,
      name: 'libvigil-test1',
      version: o.testlib,
      ecosystem: 'deb',
      purl: `pkg:deb/debian/libvigil-test1@${o.testlib}?distro=debian-12`,
      sourceName: 'vigil-testlib',
      sourceVersion: o.testlib,
      filePath: '/var/lib/dpkg/status',
      foundBy: 'dpkg-db',
      scope: 'installed',
    });
  if (o.leftpad !== undefined)
    packages.push({
      id: `npm-${o.leftpad}`,
      name: 'leftpad-vigil',
      version: o.leftpad,
      ecosystem: 'npm',
      purl: `pkg:npm/leftpad-vigil@${o.leftpad}`,
      filePath: '/app/package-lock.json',
      foundBy: 'npm-package-lock',
      scope: 'installed',
    });
  const os =
    o.os === null
      ? {}
      : {
          os: o.os ?? {
            id: 'debian',
            idLike: [],
            versionId: '12',
            release: '12',
            codename: 'bookworm',
            sources: [],
          },
        };
  return {
    schemaVersion: 1,
    source: { type: 'host', target: '/' },
    ...os,
    packages,
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}
