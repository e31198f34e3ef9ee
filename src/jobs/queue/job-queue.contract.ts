import { afterEach, describe, expect, it } from 'vitest';
import type { Job, JobQueue } from './job-queue.js';
import { JobReleasedError } from './job-released-error.js';

/** A fresh, empty queue of one implementation; `close` stops it and frees what it holds. */
export interface QueueMaker {
  make(opts: { concurrency: number }): Promise<JobQueue>;
}

/** Resolves when `check` holds, polling; fails with `what` after `ms` (a hang is a failure, not a timeout). */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The one contract every JobQueue keeps (in-process and pg-boss run the same cases): delivery,
 * priorities across types, singleton keys, retries then dead letters while later jobs still run,
 * a retry out of the dead letters, account scoping of the dead letters, graceful stop, drain and release.
 */
export function jobQueueContract(name: string, maker: QueueMaker): void {
  describe(`JobQueue contract: ${name}`, () => {
    const open: JobQueue[] = [];
    const make = async (concurrency = 1): Promise<JobQueue> => {
      const q = await maker.make({ concurrency });
      open.push(q);
      return q;
    };
    afterEach(async () => {
      for (const q of open.splice(0)) await q.stop({ graceful: false });
    });

    it('delivers each job once to the handler of its type, with its payload', async () => {
      const q = await make();
      const seen: Job[] = [];
      await q.work('a', (job) => Promise.resolve(void seen.push(job)));
      await q.work('b', (job) => Promise.resolve(void seen.push(job)));
      await q.start();
      const ids = [await q.send('a', { n: 1 }), await q.send('b', { n: 2, deep: { x: [1] } })];
      await until('both jobs', () => seen.length === 2);
      expect(seen.map((j) => [j.id, j.type, j.payload]).sort()).toEqual(
        [
          [ids[0], 'a', { n: 1 }],
          [ids[1], 'b', { n: 2, deep: { x: [1] } }],
        ].sort(),
      );
      expect(seen.every((j) => j.retryCount === 0)).toBe(true);
    });

    it('runs higher priorities first, across types', async () => {
      const q = await make(1);
      const order: string[] = [];
      const record = (job: Job): Promise<void> =>
        Promise.resolve(void order.push(String(job.payload['tag'])));
      // Everything is queued before any consumer exists, so the order is the queue's alone.
      await q.start();
      await q.send('rematch-like', { tag: 'low-1' }, { priority: 0 });
      await q.send('rematch-like', { tag: 'low-2' }, { priority: 0 });
      await q.send('scan-like', { tag: 'high' }, { priority: 10 });
      await q.send('rematch-like', { tag: 'mid' }, { priority: 5 });
      await q.work('rematch-like', record);
      await q.work('scan-like', record);
      await until('four jobs', () => order.length === 4);
      expect(order.slice(0, 2)).toEqual(['high', 'mid']);
      expect(order.slice(2).sort()).toEqual(['low-1', 'low-2']);
    });

    it('drops a second send of a singleton key while the first waits', async () => {
      const q = await make();
      await q.start();
      const first = await q.send('scan-like', { scanId: 's1' }, { singletonKey: 's1' });
      const again = await q.send('scan-like', { scanId: 's1' }, { singletonKey: 's1' });
      const other = await q.send('scan-like', { scanId: 's2' }, { singletonKey: 's2' });
      const otherType = await q.send('report-like', { id: 's1' }, { singletonKey: 's1' });
      expect(first).toBeTypeOf('string');
      expect(again).toBeUndefined();
      expect(other).toBeTypeOf('string');
      expect(otherType).toBeTypeOf('string');
      const runs: string[] = [];
      await q.work('scan-like', (job) => Promise.resolve(void runs.push(String(job.payload['scanId']))));
      await q.work('report-like', () => Promise.resolve());
      await until('two scans', () => runs.length === 2);
      expect(runs.sort()).toEqual(['s1', 's2']);
    });

    it('drops a send of a singleton key while its job runs, and does not stall other jobs meanwhile', async () => {
      const q = await make(2);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let running = false;
      const done: string[] = [];
      await q.work('deliver', async (job) => {
        running = true;
        await held;
        done.push(String(job.payload['n']));
      });
      await q.work('other', (job) => Promise.resolve(void done.push(String(job.payload['n']))));
      await q.start();
      await q.send('deliver', { n: 'first' }, { singletonKey: 'sub-1', priority: 10 });
      await until('the first to run', () => running);
      expect(
        await q.send('deliver', { n: 'again' }, { singletonKey: 'sub-1', priority: 10 }),
      ).toBeUndefined();
      await q.send('other', { n: 'low' }, { priority: 0 });
      await until('the other job while the first still runs', () => done.includes('low'));
      release();
      await until('the first', () => done.includes('first'));
      expect(done).toEqual(['low', 'first']);
      expect(await q.send('deliver', { n: 'later' }, { singletonKey: 'sub-1' })).toBeTypeOf('string');
    });

    it('retries a failing job with backoff, dead-letters it after its retries, and keeps the queue moving', async () => {
      const q = await make(1);
      const attempts: number[] = [];
      const done: number[] = [];
      await q.work('poison', (job) => {
        attempts.push(job.retryCount);
        return Promise.reject(new Error(`cannot parse payload ${String(job.payload['bad'])}`));
      });
      await q.work('fine', (job) => Promise.resolve(void done.push(Number(job.payload['n']))));
      await q.start();
      const poison = await q.send(
        'poison',
        { bad: 'x' },
        { retryLimit: 2, retryDelaySeconds: 1, accountId: 'acct-1' },
      );
      for (let n = 0; n < 5; n++) await q.send('fine', { n });
      await until('the later jobs', () => done.length === 5);
      await until('the dead letter', async () => (await q.deadLetters()).length === 1);
      expect(attempts).toEqual([0, 1, 2]);
      const [dead] = await q.deadLetters();
      expect(poison).toBeTypeOf('string');
      expect(dead).toMatchObject({
        type: 'poison',
        payload: { bad: 'x' },
        accountId: 'acct-1',
        attempts: 3,
      });
      expect(dead?.error).toContain('cannot parse payload x');
      expect(dead?.error).not.toMatch(/\n\s+at /); // never a stack
      expect(Number.isNaN(Date.parse(dead?.failedAt ?? ''))).toBe(false);
      // Later jobs still complete after the poison one is dead.
      await q.send('fine', { n: 99 });
      await until('a job after the dead letter', () => done.includes(99));
    });

    it('retries a dead letter on request (fresh retries) and forgets it; an unknown id is JOB_NOT_FOUND', async () => {
      const q = await make();
      let fail = true;
      const ok: string[] = [];
      await q.work('flaky', (job) =>
        fail ? Promise.reject(new Error('down')) : Promise.resolve(void ok.push(job.id)),
      );
      await q.start();
      await q.send('flaky', { k: 1 }, { retryLimit: 0 });
      await until('the dead letter', async () => (await q.deadLetters()).length === 1);
      const [dead] = await q.deadLetters();
      fail = false;
      const again = await q.retryDeadLetter(dead?.id ?? '');
      await until('the retried job', () => ok.length === 1);
      expect(ok).toEqual([again]);
      expect(await q.deadLetters()).toEqual([]);
      await expect(q.retryDeadLetter(dead?.id ?? '')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    });

    it('scopes dead letters by account; jobs of no account only with includeSystem', async () => {
      const q = await make();
      await q.work('bad', () => Promise.reject(new Error('no')));
      await q.start();
      await q.send('bad', { i: 1 }, { retryLimit: 0, accountId: 'a1' });
      await q.send('bad', { i: 2 }, { retryLimit: 0, accountId: 'a2' });
      await q.send('bad', { i: 3 }, { retryLimit: 0 });
      await until('three dead letters', async () => (await q.deadLetters()).length === 3);
      const payloads = async (f: Parameters<JobQueue['deadLetters']>[0]): Promise<unknown[]> =>
        (await q.deadLetters(f)).map((d) => d.payload['i']).sort();
      expect(await payloads({ accountIds: ['a1'] })).toEqual([1]);
      expect(await payloads({ accountIds: ['a1', 'a2'] })).toEqual([1, 2]);
      expect(await payloads({ accountIds: ['a2'], includeSystem: true })).toEqual([2, 3]);
      expect(await payloads({ accountIds: [] })).toEqual([]);
      // A retry through a scope that cannot see the job is refused as if it did not exist.
      const ofA2 = (await q.deadLetters({ accountIds: ['a2'] }))[0]?.id ?? '';
      await expect(
        q.retryDeadLetter(ofA2, { accountIds: ['a1'], includeSystem: true }),
      ).rejects.toMatchObject({
        code: 'JOB_NOT_FOUND',
      });
      expect(await payloads({ accountIds: ['a2'] })).toEqual([2]);
    });

    it('a graceful stop waits for the job in flight; the store is reachable while started', async () => {
      const q = await make();
      let finished = false;
      let began = false;
      await q.work('slow', async () => {
        began = true;
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      });
      await q.start();
      expect(await q.reachable()).toBe(true);
      await q.send('slow', {});
      await until('the job to start', () => began);
      await q.stop({ graceful: true });
      expect(finished).toBe(true);
    });

    it('drain: the job in flight finishes within the grace, nothing more starts; past the grace it says so', async () => {
      const q = await make();
      const started: string[] = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      await q.work('slow', async (job) => {
        started.push(String(job.payload['tag']));
        if (job.payload['tag'] === 'held') await held;
        else await new Promise((r) => setTimeout(r, 300));
      });
      await q.start();
      await q.send('slow', { tag: 'first' });
      await until('the first job to start', () => started.length === 1);
      expect(await q.drain(20_000)).toBe(true);
      await q.send('slow', { tag: 'later' });
      // Longer than a consumer's poll (0.5 s): a fetch would have taken it by now.
      await new Promise((r) => setTimeout(r, 1500));
      expect(started).toEqual(['first']);

      const q2 = await make();
      await q2.work('slow', async (job) => {
        started.push(String(job.payload['tag']));
        await held;
      });
      await q2.start();
      await q2.send('slow', { tag: 'held' });
      await until('the held job to start', () => started.includes('held'));
      expect(await q2.drain(200)).toBe(false);
      release();
      expect(await q2.drain(20_000)).toBe(true);
    });

    it('a released job is handed on at once and is no failed attempt (retryLimit 0, no dead letter)', async () => {
      const q = await make();
      const runs: number[] = [];
      await q.work('scan-like', (job) => {
        runs.push(job.retryCount);
        if (runs.length === 1) throw new JobReleasedError(job.type, job.id);
        return Promise.resolve();
      });
      await q.start();
      await q.send(
        'scan-like',
        { scanId: 's1' },
        { singletonKey: 's1', retryLimit: 0, retryDelaySeconds: 60 },
      );
      await until('the job to run again', () => runs.length === 2);
      expect(runs).toEqual([0, 0]);
      expect(await q.deadLetters()).toEqual([]);
    });
  });
}
