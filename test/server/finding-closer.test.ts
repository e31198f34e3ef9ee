import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeFindings } from '../../src/findings/finding-closer.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

const T1 = new Date('2026-02-01T00:00:00.000Z');
const T2 = new Date('2026-02-02T00:00:00.000Z');

function scanned(identity: string, resourceId: string): Finding {
  return {
    ...randomFinding(rng(identity.length + 7), 0),
    id: identity,
    status: 'ACTIVE',
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  };
}

for (const make of BACKENDS) {
  const backend = make();
  describe(`closing findings without a scan on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('closes only the matching open findings of the account, each with an event', async () => {
      const { db } = await backend.fresh();
      const k = db.kysely;
      const scan = (acct: string, rid: string, ids: string[]) =>
        applyScanOfResource(k, {
          accountId: acct,
          resourceId: rid,
          findings: ids.map((i) => scanned(i, rid)),
          now: T1,
        });
      await scan('acct-a', 'host-1', ['p', 'q']);
      await scan('acct-a', 'host-2', ['r']);
      await scan('acct-b', 'host-1', ['p']);
      const before = await k.selectFrom('outbox').select('seq').execute();

      const closed = await k.transaction().execute((trx) =>
        closeFindings(trx, {
          accountId: 'acct-a',
          criteria: { resourceId: [{ comparison: 'EQUALS', value: 'host-1' }] },
          now: T2,
        }),
      );
      expect(closed).toHaveLength(2);
      const rows = await k
        .selectFrom('findings')
        .select(['account_id', 'resource_id', 'status', 'closed_at'])
        .orderBy('account_id')
        .orderBy('resource_id')
        .execute();
      expect(
        rows.map((r) => `${r.account_id}/${r.resource_id} ${r.status} ${r.closed_at ?? '-'}`).sort(),
      ).toEqual(
        [
          `acct-a/host-1 CLOSED ${T2.toISOString()}`,
          `acct-a/host-1 CLOSED ${T2.toISOString()}`,
          'acct-a/host-2 ACTIVE -',
          'acct-b/host-1 ACTIVE -',
        ].sort(),
      );
      const events = await k
        .selectFrom('outbox')
        .select(['type', 'subject'])
        .where('seq', '>', before.length)
        .execute();
      expect(events.map((e) => e.type)).toEqual(['vigil.finding.closed', 'vigil.finding.closed']);
      expect(events.map((e) => e.subject).sort()).toEqual(closed.map((f) => f.id).sort());

      // Already closed: closing again changes nothing and announces nothing.
      const again = await closeFindings(k, { accountId: 'acct-a', criteria: {}, now: T2 });
      expect(again.map((f) => f.resources[0]?.id)).toEqual(['host-2']);
      await db.close();
    });
  });
}
