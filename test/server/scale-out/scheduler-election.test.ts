import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { advisoryLockElection, type SchedulerElection } from '../../../src/jobs/scheduler-election.js';
import { startPostgres, type PrivatePostgres } from '../../fixtures/postgres.js';
import { SCHEDULER_LOCK_KEY } from '../../../src/store/advisory-lock.js';

/** pg_locks shows a 64-bit advisory key as two 32-bit halves (classid high, objid low, objsubid 1). */
const SCHEDULER_LOCK_PARTS = [Number(SCHEDULER_LOCK_KEY >> 32n), Number(SCHEDULER_LOCK_KEY & 0xffffffffn)];

let pgc: PrivatePostgres;
let admin: pg.Client;
beforeAll(async () => {
  pgc = await startPostgres();
  admin = new pg.Client({ connectionString: pgc.url });
  await admin.connect();
}, 120_000);
afterAll(async () => {
  await admin.end();
  pgc.stop();
});

/** An election whose acting/standby turns are recorded, and awaited by `next`. */
function candidate(name: string): {
  election: SchedulerElection;
  turns: string[];
  next: () => Promise<string>;
} {
  const turns: string[] = [];
  let wake: (() => void) | undefined;
  const note = (turn: string): void => {
    turns.push(turn);
    wake?.();
  };
  const election = advisoryLockElection({
    url: pgc.url,
    retryMs: 100,
    notice: () => undefined,
    applicationName: `vigil-scheduler ${name}`,
  });
  election.start({ acting: () => note('acting'), standby: () => Promise.resolve(note('standby')) });
  let seen = 0;
  const next = async (): Promise<string> => {
    while (turns.length <= seen) await new Promise<void>((resolve) => (wake = resolve));
    return turns[seen++] as string;
  };
  return { election, turns, next };
}

async function holder(): Promise<{ pid: number; name: string } | undefined> {
  const r = await admin.query<{ pid: number; application_name: string }>(
    `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1`,
    SCHEDULER_LOCK_PARTS,
  );
  const row = r.rows[0];
  return row && { pid: row.pid, name: row.application_name };
}

it('one of two acts; its session cut, it stops at once and another takes the lock; stop releases it', async () => {
  const a = candidate('a');
  expect(await a.next()).toBe('acting');
  const b = candidate('b');
  expect((await holder())?.name).toBe('vigil-scheduler a');
  expect(b.election.isActing()).toBe(false);

  // The acting scheduler's connection dies (a failover, a network cut): it must stop scheduling.
  await admin.query('SELECT pg_terminate_backend($1)', [(await holder())?.pid]);
  expect(await a.next()).toBe('standby');
  // Both campaign again and either may win; with `a` gone (its stop unlocks if it won), `b` acts.
  await a.election.stop();
  expect(a.election.isActing()).toBe(false);
  expect(await b.next()).toBe('acting');
  expect((await holder())?.name).toBe('vigil-scheduler b');

  // A clean stop unlocks at once: a standby takes over without waiting for any timeout.
  const c = candidate('c');
  await b.election.stop();
  expect(b.turns).toEqual(['acting', 'standby']);
  expect(await c.next()).toBe('acting');
  expect((await holder())?.name).toBe('vigil-scheduler c');
  await c.election.stop();
  expect(await holder()).toBeUndefined();
}, 60_000);
