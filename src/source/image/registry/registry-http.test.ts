import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEgressAllowList } from '../../../egress/egress-allow-list.js';
import { createGuardedEgress, createOpenEgress } from '../../../egress/egress-client.js';
import { fetchWithPolicy, readLimited } from './registry-http.js';

/** Two real HTTP servers on 127.0.0.1 (two origins): the "registry" and the "blob storage". */
let registry: Server;
let storage: Server;
let regUrl = '';
let storeUrl = '';
const seen: IncomingHttpHeaders[] = [];
let flaky = 0;
let registryRequests = 0;
const open = createOpenEgress();
// The server's egress, allowing the registry by name only: its redirects to 127.0.0.1 are not allowed.
const guarded = createGuardedEgress({
  allow: parseEgressAllowList(['registry.test']),
  lookup: (host) =>
    host === 'registry.test'
      ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
      : Promise.reject(new Error(`ENOTFOUND ${host}`)),
});

const listen = async (s: Server): Promise<string> => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
};

beforeAll(async () => {
  storage = createServer((req, res) => {
    seen.push(req.headers);
    res.end('blob-bytes');
  });
  storeUrl = await listen(storage);
  registry = createServer((req, res) => {
    registryRequests++;
    if (req.url === '/found') res.writeHead(302, { location: `${storeUrl}/blob` }).end();
    else if (req.url === '/flaky' && flaky++ < 2) res.writeHead(503, { 'retry-after': '0' }).end();
    else if (req.url === '/flaky') res.end('ok after retries');
    else if (req.url === '/redirect') res.writeHead(307, { location: `${storeUrl}/blob` }).end();
    else res.end('x'.repeat(5000));
  });
  regUrl = await listen(registry);
});
afterAll(async () => {
  registry.close();
  storage.close();
  await open.close();
  await guarded.close();
});

describe('fetchWithPolicy', () => {
  it('retries 503 with backoff and then succeeds', async () => {
    const res = await fetchWithPolicy(open, `${regUrl}/flaky`, {});
    expect(await res.text()).toBe('ok after retries');
    expect(flaky).toBe(3);
  });
  it('follows a redirect to another origin without the Authorization header', async () => {
    const res = await fetchWithPolicy(open, `${regUrl}/redirect`, {
      authorization: 'Bearer secret',
      accept: 'x/y',
    });
    expect(await res.text()).toBe('blob-bytes');
    expect(seen.at(-1)?.authorization).toBeUndefined();
    expect(seen.at(-1)?.accept).toBe('x/y');
  });
  it('refuses a body over the limit', async () => {
    const res = await fetchWithPolicy(open, `${regUrl}/big`, {});
    await expect(readLimited(res, 1000, 'manifest')).rejects.toMatchObject({ code: 'MANIFEST_TOO_LARGE' });
  });
  it('under the server policy, checks every hop: a 302 or 307 to loopback is refused and never reached', async () => {
    const port = new URL(regUrl).port;
    const before = seen.length;
    for (const path of ['/found', '/redirect']) {
      await expect(fetchWithPolicy(guarded, `http://registry.test:${port}${path}`, {})).rejects.toMatchObject(
        {
          code: 'EGRESS_DENIED',
          details: { host: '127.0.0.1' },
        },
      );
    }
    expect(seen.length).toBe(before);
    // The registry itself, allowed by name, was asked (once per path: a refusal is not retried).
    const asked = registryRequests;
    await expect(fetchWithPolicy(guarded, `${regUrl}/flaky`, {})).rejects.toMatchObject({
      code: 'EGRESS_DENIED',
    });
    expect(registryRequests).toBe(asked);
  });
});
