import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';
import { randomFinding, rng } from './random-findings.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';

const T1 = new Date('2026-02-01T00:00:00.000Z');
const T2 = new Date('2026-02-02T00:00:00.000Z');
const T3 = new Date('2026-02-03T00:00:00.000Z');

/** A finding as the scan service returns it: `id` is its identity within the resource. */
function scanned(identity: string, resourceId: string, score = 5): Finding {
  const f = randomFinding(rng(identity.length), 0);
  return {
    ...f,
    id: identity,
    score,
    status: 'ACTIVE',
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  };
}

async function stored(db: ServiceDb, account: string): Promise<Map<string, Finding>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['identity_key', 'last_observed_at', findingJson()])
    .where('account_id', '=', account)
    .execute();
  return new Map(rows.map((r) => [r.identity_key, findingOfRow(r)]));
}

async function outbox(db: ServiceDb): Promise<Array<[string, string]>> {
  const rows = await db.kysely.selectFrom('outbox').select(['type', 'subject']).orderBy('seq').execute();
  return rows.map((r) => [r.type, r.subject]);
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('finding lifecycle on %s', (_n, make) => {
  const backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('creates, observes, closes and reopens by identity, with outbox events in the same transaction', async () => {
    const { db } = await backend.fresh();
    const scan = (findings: Finding[], now: Date) =>
      applyScanOfResource(db.kysely, { accountId: 'acct-a', resourceId: 'host-1', findings, now });
    const r1 = await scan([scanned('id-a', 'host-1'), scanned('id-b', 'host-1')], T1);
    let s = await stored(db, 'acct-a');
    const idA = s.get('id-a')?.id ?? '';
    const idB = s.get('id-b')?.id ?? '';
    expect(idA).toMatch(/^[0-9a-f]{32}$/);
    expect(idB).toMatch(/^[0-9a-f]{32}$/);
    expect(idA).not.toBe(idB);
    expect(r1.created.map((f) => f.id).sort()).toEqual([idA, idB].sort());
    expect(s.get('id-a')).toMatchObject({
      id: idA,
      status: 'ACTIVE',
      firstObservedAt: T1.toISOString(),
      accountId: 'acct-a',
    });

    // A again (same facts), B gone, C new.
    const r2 = await scan([scanned('id-a', 'host-1'), scanned('id-c', 'host-1')], T2);
    expect([r2.observed.length, r2.updated.length, r2.closed.length, r2.created.length]).toEqual([
      1, 0, 1, 1,
    ]);
    s = await stored(db, 'acct-a');
    const idC = s.get('id-c')?.id ?? '';
    // Ids follow creation order (finding-ids.ts): C, created later, sorts after both.
    expect(idC > idA && idC > idB).toBe(true);
    expect(r2.created.map((f) => f.id)).toEqual([idC]);
    expect(s.get('id-a')).toMatchObject({
      firstObservedAt: T1.toISOString(),
      lastObservedAt: T2.toISOString(),
      updatedAt: T1.toISOString(),
    });
    expect(s.get('id-b')).toMatchObject({
      status: 'CLOSED',
      closedAt: T2.toISOString(),
      updatedAt: T2.toISOString(),
    });

    // B returns: same id, ACTIVE, no closedAt, new updatedAt; A's score changes: updated; C gone.
    const r3 = await scan([scanned('id-a', 'host-1', 9.8), scanned('id-b', 'host-1')], T3);
    expect(r3.updated.map((f) => f.id).sort()).toEqual([idA, idB].sort());
    s = await stored(db, 'acct-a');
    const reopened = s.get('id-b');
    expect(reopened).toMatchObject({
      id: idB,
      status: 'ACTIVE',
      firstObservedAt: T1.toISOString(),
      updatedAt: T3.toISOString(),
    });
    expect(reopened?.closedAt).toBeUndefined();
    expect(s.get('id-a')).toMatchObject({ score: 9.8, updatedAt: T3.toISOString() });
    expect(s.get('id-c')).toMatchObject({ status: 'CLOSED', closedAt: T3.toISOString() });
    const row = await db.kysely
      .selectFrom('findings')
      .select(['status', 'score', 'closed_at'])
      .where('id', '=', idA)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'ACTIVE', score: 9.8, closed_at: null });

    expect((await outbox(db)).map(([t, subj]) => `${t} ${subj}`).sort()).toEqual(
      [
        ['created', idA],
        ['created', idB],
        ['closed', idB],
        ['created', idC],
        ['updated', idA],
        ['updated', idB],
        ['closed', idC],
      ]
        .map(([t, id]) => `vigil.finding.${t} ${id}`)
        .sort(),
    );
    await db.close();
  });

  it('touches only the scanned resource and account; live rules decide SUPPRESSED, a vanished one closes', async () => {
    const { db } = await backend.fresh();
    const scan = (acct: string, rid: string, ids: string[], now: Date) =>
      applyScanOfResource(db.kysely, {
        accountId: acct,
        resourceId: rid,
        findings: ids.map((i) => scanned(i, rid)),
        now,
      });
    await scan('acct-a', 'host-1', ['x', 'z'], T1);
    await scan('acct-a', 'host-2', ['y'], T1);
    await scan('acct-b', 'host-1', ['x'], T1);
    // A rule of acct-a on host-1 (a real row: the lifecycle reads the rules in its own transaction).
    await db.kysely
      .insertInto('suppression_rules')
      .values({
        id: 'rule-1',
        account_id: 'acct-a',
        name: 'host-1 accepted',
        reason: 'test',
        filter_json: JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: 'host-1' }] }),
        expires_at: null,
        created_by: null,
        created_at: T1.toISOString(),
        updated_at: T1.toISOString(),
      })
      .execute();

    await scan('acct-a', 'host-1', ['x', 'z'], T2);
    const a = await stored(db, 'acct-a');
    expect(a.get('x')).toMatchObject({
      status: 'SUPPRESSED',
      suppressedBy: 'rule-1',
      lastObservedAt: T2.toISOString(),
      updatedAt: T2.toISOString(),
    });
    expect(a.get('y')).toMatchObject({ status: 'ACTIVE', lastObservedAt: T1.toISOString() });
    expect((await stored(db, 'acct-b')).get('x')).toMatchObject({
      status: 'ACTIVE',
      lastObservedAt: T1.toISOString(),
    });

    // Fixed while suppressed → CLOSED; a new finding on host-1 is suppressed from its first sighting.
    await scan('acct-a', 'host-1', ['z', 'w'], T3);
    const after = await stored(db, 'acct-a');
    expect(after.get('x')).toMatchObject({ status: 'CLOSED', closedAt: T3.toISOString() });
    expect(after.get('w')).toMatchObject({ status: 'SUPPRESSED', suppressedBy: 'rule-1' });

    // The rule expires: the next scan makes its findings ACTIVE again, without suppressedBy.
    await db.kysely.updateTable('suppression_rules').set({ expires_at: T3.toISOString() }).execute();
    await scan('acct-a', 'host-1', ['z', 'w'], new Date(T3.getTime() + 1000));
    const z = (await stored(db, 'acct-a')).get('z');
    expect(z?.status).toBe('ACTIVE');
    expect(z?.suppressedBy).toBeUndefined();
    await db.close();
  });

  it('writes nothing, findings nor events, when the transaction fails', async () => {
    const { db } = await backend.fresh();
    // Two findings with one identity: the insert refuses them (on SQLite no index would), and the
    // transaction writes none of the scan's findings nor its events.
    const dup = [scanned('same', 'host-1'), scanned('other', 'host-1'), scanned('same', 'host-1')];
    await expect(
      applyScanOfResource(db.kysely, { accountId: 'acct-a', resourceId: 'host-1', findings: dup, now: T1 }),
    ).rejects.toMatchObject({ code: 'FINDING_IDENTITY_DUPLICATE' });
    expect((await stored(db, 'acct-a')).size).toBe(0);
    expect(await outbox(db)).toEqual([]);
    // A failure after the findings were written (the database refuses the events): all rolled back.
    await refuseOutboxInserts(db);
    const good = [scanned('one', 'host-1'), scanned('two', 'host-1')];
    await expect(
      applyScanOfResource(db.kysely, { accountId: 'acct-a', resourceId: 'host-1', findings: good, now: T1 }),
    ).rejects.toThrow(/outbox refused/);
    expect((await stored(db, 'acct-a')).size).toBe(0);
    expect(await outbox(db)).toEqual([]);
    await db.close();
  });
});

/** A trigger that makes the database itself refuse every outbox insert (no mock of our code). */
async function refuseOutboxInserts(db: ServiceDb): Promise<void> {
  if (db.dialect === 'sqlite') {
    await sql`create trigger refuse_outbox before insert on outbox
      begin select raise(abort, 'outbox refused'); end`.execute(db.kysely);
    return;
  }
  await sql`create function refuse_outbox() returns trigger language plpgsql
    as $$ begin raise exception 'outbox refused'; end $$`.execute(db.kysely);
  await sql`create trigger refuse_outbox before insert on outbox
    for each row execute function refuse_outbox()`.execute(db.kysely);
}
