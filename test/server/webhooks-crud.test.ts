import { describe, expect, it } from 'vitest';
import { call } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';
import { useWebhookServer } from './webhooks-harness.js';

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  describe(`webhook subscriptions (${backend.name})`, () => {
    const { h, receiver } = useWebhookServer(backend);

    it('manages subscriptions: secret shown once, URLs and event types checked, admin only, 404 across accounts', async () => {
      const r = await receiver();
      const created = await call(h.base, h.s.keys.adminA, 'POST', '/v1/accounts/acct-a/webhooks', {
        url: r.url,
        eventTypes: ['vigil.finding.created'],
      });
      expect(created.status).toBe(201);
      const hook = created.json as { id: string; secret: string; enabled: boolean; eventTypes: string[] };
      expect(hook).toMatchObject({ accountId: 'acct-a', url: r.url, enabled: true });
      expect(hook.eventTypes).toEqual(['vigil.finding.created']);
      expect(hook.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const path = `/v1/accounts/acct-a/webhooks/${hook.id}`;

      const list = await call(h.base, h.s.keys.adminA, 'GET', '/v1/accounts/acct-a/webhooks');
      const one = await call(h.base, h.s.keys.adminA, 'GET', path);
      expect(list.status).toBe(200);
      expect((list.json as { webhooks: unknown[] }).webhooks).toEqual([one.json]);
      expect(JSON.stringify([list.json, one.json])).not.toContain(hook.secret);
      expect(one.json).not.toHaveProperty('secret');

      const rotated = await call(h.base, h.s.keys.adminA, 'PATCH', path, {
        rotateSecret: true,
        enabled: false,
      });
      expect(rotated.json).toMatchObject({ id: hook.id, enabled: false });
      const secret2 = (rotated.json as { secret: string }).secret;
      expect(secret2).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(secret2).not.toBe(hook.secret);
      expect(await call(h.base, h.s.keys.adminA, 'PATCH', path, { eventTypes: [] })).toMatchObject({
        status: 200,
        json: { eventTypes: [], enabled: false },
      });
      expect((await call(h.base, h.s.keys.adminA, 'PATCH', path, { enabled: true })).json).not.toHaveProperty(
        'secret',
      );

      for (const url of [
        'ftp://127.0.0.1/x',
        'http://user:pw@127.0.0.1/x',
        'not a url',
        'file:///etc/passwd',
      ]) {
        const bad = await call(h.base, h.s.keys.adminA, 'POST', '/v1/accounts/acct-a/webhooks', { url });
        expect({ url, status: bad.status, json: bad.json }).toMatchObject({
          url,
          status: 400,
          json: { code: 'WEBHOOK_URL_INVALID' },
        });
        expect(JSON.stringify(bad.json)).not.toContain('pw@');
      }
      expect(
        await call(h.base, h.s.keys.adminA, 'PATCH', path, { url: 'javascript:alert(1)' }),
      ).toMatchObject({
        status: 400,
        json: { code: 'WEBHOOK_URL_INVALID' },
      });
      const badType = await call(h.base, h.s.keys.adminA, 'POST', '/v1/accounts/acct-a/webhooks', {
        url: r.url,
        eventTypes: ['vigil.finding.exploded'],
      });
      expect(badType).toMatchObject({ status: 400, json: { code: 'VALIDATION' } });

      // Members cannot manage webhooks; another account's admin cannot see them; the org admin can.
      expect((await call(h.base, h.s.keys.memberA, 'GET', path)).status).toBe(403);
      expect(
        (await call(h.base, h.s.keys.memberA, 'POST', '/v1/accounts/acct-a/webhooks', { url: r.url })).status,
      ).toBe(403);
      expect((await call(h.base, h.s.keys.adminB, 'GET', path)).status).toBe(404);
      expect(
        (await call(h.base, h.s.keys.adminB, 'GET', `/v1/accounts/acct-b/webhooks/${hook.id}`)).status,
      ).toBe(404);
      expect(
        (await call(h.base, h.s.keys.adminB, 'DELETE', `/v1/accounts/acct-b/webhooks/${hook.id}`)).status,
      ).toBe(404);
      expect((await call(h.base, h.s.keys.orgAdmin, 'GET', path)).status).toBe(200);

      const audit = await h.db.kysely.selectFrom('audit_log').selectAll().execute();
      expect(audit.length).toBeGreaterThan(0);
      expect(JSON.stringify(audit)).not.toContain(hook.secret);
      expect(JSON.stringify(audit)).not.toContain(secret2);

      expect((await call(h.base, h.s.keys.adminA, 'DELETE', path)).status).toBe(204);
      expect((await call(h.base, h.s.keys.adminA, 'GET', path)).status).toBe(404);
      expect((await call(h.base, h.s.keys.adminA, 'DELETE', path)).status).toBe(404);
    });
  });
}
