import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookSecretContext } from '../../src/store/secret-contexts.js';
import { call } from './api-server.js';
import { loopbackSpellings, useEgressServers } from './egress-harness.js';

const HOOKS = '/v1/accounts/acct-a/webhooks';

describe('webhooks under the egress policy (issue 10, SSRF)', () => {
  const { h, listen, closedPort, task } = useEgressServers();

  /** A subscription stored as it was before the policy (or before the allow list was narrowed). */
  async function storedSubscription(url: string): Promise<string> {
    const id = randomUUID();
    const seq = await h.db.kysely
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    await h.db.kysely
      .insertInto('webhook_subscriptions')
      .values({
        id,
        account_id: 'acct-a',
        url,
        secret_sealed: h.box.seal('s3cret', webhookSecretContext(id)),
        event_types_json: '[]',
        enabled: 1,
        cursor_seq: Number(seq?.m ?? 0),
        created_at: '2026-03-01T00:00:00.000Z',
        updated_at: '2026-03-01T00:00:00.000Z',
      })
      .execute();
    return id;
  }

  it('refuses to create or point a subscription at loopback in every spelling, or at the metadata address', async () => {
    const l = await listen();
    const urls = [
      ...loopbackSpellings(l.port).map((host) => `http://${host}/hook`),
      'http://169.254.169.254/latest/meta-data/',
      'http://meta.test/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'http://10.0.0.1/',
    ];
    for (const url of urls) {
      const r = await call(h.base, h.s.keys.adminA, 'POST', HOOKS, { url });
      expect({ url, status: r.status, json: r.json }).toMatchObject({
        url,
        status: 403,
        json: { code: 'EGRESS_DENIED' },
      });
    }
    const id = await storedSubscription('https://hooks.example.test/x');
    for (const url of urls.slice(0, 3)) {
      const r = await call(h.base, h.s.keys.adminA, 'PATCH', `${HOOKS}/${id}`, { url });
      expect({ url, status: r.status }).toEqual({ url, status: 403 });
    }
    const listed = (await call(h.base, h.s.keys.adminA, 'GET', HOOKS)).json as { webhooks: unknown[] };
    expect(listed.webhooks).toEqual([expect.objectContaining({ id, url: 'https://hooks.example.test/x' })]);
    await h.db.kysely.deleteFrom('webhook_subscriptions').execute();
    expect(l.connections).toBe(0);
  });

  it('never delivers to a refused URL: the log says EGRESS_DENIED with no status, the same for an open and a closed port', async () => {
    const open = await listen();
    const closed = await closedPort();
    const subs = [
      await storedSubscription(`http://127.0.0.1:${open.port}/hook`),
      await storedSubscription(`http://127.0.0.1:${closed}/hook`),
      await storedSubscription(`http://evil.test:${open.port}/hook`),
    ];
    // Any event of the account: a suppression rule.
    const rule = await call(h.base, h.s.keys.adminA, 'POST', '/v1/accounts/acct-a/suppression-rules', {
      name: 'egress-probe',
      reason: 'an event to deliver',
      filter: { severity: [{ comparison: 'EQUALS', value: 'LOW' }] },
    });
    expect(rule.status).toBe(201);
    await task(h.app, 'webhook-dispatcher');
    const logs = [];
    for (const id of subs) {
      const r = await call(h.base, h.s.keys.adminA, 'GET', `${HOOKS}/${id}/deliveries`);
      const [d] = (r.json as { deliveries: Array<Record<string, unknown>> }).deliveries;
      expect(d).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null });
      expect(d?.['lastError']).toMatch(/^EGRESS_DENIED: .*--egress-allow/);
      logs.push(d?.['lastError']);
    }
    expect(logs[0]).toBe(logs[1]);
    expect(open.connections).toBe(0);
  });
});
