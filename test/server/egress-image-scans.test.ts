import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { call } from './api-server.js';
import { loopbackSpellings, useEgressServers } from './egress-harness.js';

const SCANS = '/v1/accounts/acct-a/image-scans';

describe('image scans under the egress policy (issue 10, SSRF)', () => {
  const { h, listen, closedPort, task } = useEgressServers();
  const scanCount = async (): Promise<number> =>
    Number(
      (
        await h.db.kysely
          .selectFrom('scans')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const queue = async (id: string, reference: string): Promise<void> => {
    await h.db.kysely
      .insertInto('scans')
      .values({
        id,
        account_id: 'acct-a',
        resource_id: null,
        kind: 'image',
        status: 'QUEUED',
        request_json: JSON.stringify({ reference }),
        summary_json: null,
        error_json: null,
        created_at: '2026-03-01T00:00:00.000Z',
        started_at: null,
        finished_at: null,
      })
      .execute();
  };
  const errorOf = async (id: string): Promise<unknown> => {
    const row = await h.db.kysely
      .selectFrom('scans')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { status: row.status, error: JSON.parse(row.error_json ?? 'null') as unknown };
  };

  it('refuses a member scan of loopback in every spelling (403 EGRESS_DENIED) and the listener sees no connection', async () => {
    const l = await listen();
    const before = await scanCount();
    for (const host of [...loopbackSpellings(l.port), 'meta.test']) {
      const r = await call(h.base, h.s.keys.memberA, 'POST', SCANS, { reference: `${host}/team/app:v1` });
      expect({ host, status: r.status, json: r.json }).toMatchObject({
        host,
        status: 403,
        json: { code: 'EGRESS_DENIED' },
      });
      expect((r.json as { message: string }).message).toContain('--egress-allow');
    }
    expect(await scanCount()).toBe(before);
    expect(l.connections).toBe(0);
  });

  it('a closed port and an open one give the same answer, at the API and from the worker', async () => {
    const open = await listen();
    const closed = await closedPort();
    const ask = async (port: number): Promise<unknown> =>
      call(h.base, h.s.keys.memberA, 'POST', SCANS, { reference: `127.0.0.1:${port}/team/app:v1` });
    expect(await ask(open.port)).toEqual(await ask(closed));
    // Scans queued earlier (say, before the operator narrowed the allow list) fail the same way, unconnected.
    await queue('queued-open', `127.0.0.1:${open.port}/team/app:v1`);
    await queue('queued-closed', `127.0.0.1:${closed}/team/app:v1`);
    await task(h.app, 'scan-worker');
    const [a, b] = [await errorOf('queued-open'), await errorOf('queued-closed')];
    expect(a).toMatchObject({ status: 'FAILED', error: { code: 'EGRESS_DENIED' } });
    expect(a).toEqual(b);
    expect(open.connections).toBe(0);
  });

  it('insecure (plain HTTP) needs an admin key of the account; the egress policy applies to admins too', async () => {
    const l = await listen();
    const reference = `127.0.0.1:${l.port}/team/app:v1`;
    const member = await call(h.base, h.s.keys.memberA, 'POST', SCANS, { reference, insecure: true });
    expect(member).toMatchObject({ status: 403, json: { code: 'IMAGE_SCAN_FORBIDDEN' } });
    const memberB = await call(h.base, h.s.keys.memberB, 'POST', '/v1/accounts/acct-b/image-scans', {
      reference: 'registry.test:1/x:y',
      insecure: true,
    });
    expect(memberB).toMatchObject({ status: 403, json: { code: 'IMAGE_SCAN_FORBIDDEN' } });
    const admin = await call(h.base, h.s.keys.adminA, 'POST', SCANS, { reference, insecure: true });
    expect(admin).toMatchObject({ status: 403, json: { code: 'EGRESS_DENIED' } });
    const allowed = await call(h.byNameBase, h.s.keys.adminA, 'POST', SCANS, {
      reference: `registry.test:${l.port}/team/app:v1`,
      insecure: true,
    });
    expect(allowed).toMatchObject({ status: 202, json: { status: 'QUEUED' } });
    await h.db.kysely
      .deleteFrom('scans')
      .where('id', '=', (allowed.json as { scanId: string }).scanId)
      .execute();
    expect(l.connections).toBe(0);
  });

  it('checks every redirect hop: a registry 302 to loopback fails the scan and the target sees nothing', async () => {
    const sink = await listen();
    const asked: string[] = [];
    // A registry the operator allowed by name (registry.test → 127.0.0.1) that redirects a manifest.
    const registry: Server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/v2/') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(302, { location: `http://127.0.0.1:${sink.port}/stolen` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const port = (registry.address() as { port: number }).port;
    try {
      const r = await call(h.byNameBase, h.s.keys.adminA, 'POST', SCANS, {
        reference: `registry.test:${port}/team/app:v1`,
        insecure: true,
      });
      expect(r.status).toBe(202);
      await task(h.byName, 'scan-worker');
      expect(await errorOf((r.json as { scanId: string }).scanId)).toMatchObject({
        status: 'FAILED',
        error: { code: 'EGRESS_DENIED', message: expect.stringContaining('127.0.0.1') as unknown },
      });
      expect(asked).toContain('/v2/team/app/manifests/v1');
      expect(sink.connections).toBe(0);
    } finally {
      registry.closeAllConnections();
      await new Promise((r) => registry.close(r));
    }
  });

  it('a tarpit registry (silent, or dribbling a byte a second) fails the scan with EGRESS_TIMEOUT', async () => {
    for (const [mode, phase] of [
      ['tarpit', 'connect'],
      ['dribble-body', 'slow'],
    ] as const) {
      const l = await listen(mode);
      const r = await call(h.byNameBase, h.s.keys.adminA, 'POST', SCANS, {
        reference: `registry.test:${l.port}/team/app:v1`,
        insecure: true,
      });
      expect(r.status).toBe(202);
      await task(h.byName, 'scan-worker');
      const scan = await errorOf((r.json as { scanId: string }).scanId);
      expect({ mode, scan }).toMatchObject({
        mode,
        scan: { status: 'FAILED', error: { code: 'EGRESS_TIMEOUT' } },
      });
      expect((scan as { error: { message: string } }).error.message).toContain(
        phase === 'slow' ? 'minimum rate' : 'connection',
      );
      expect(l.connections).toBeGreaterThan(0);
    }
  });
});
