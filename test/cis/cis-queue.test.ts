import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessFacts, factsNeeded } from '../../src/checks/assess-root.js';
import { collectFacts } from '../../src/checks/facts/fact-collector.js';
import type { AssessmentFacts } from '../../src/checks/facts/fact-model.js';
import type { CheckResult } from '../../src/checks/model/check-result.js';
import {
  CIS_EVALUATE_EXPIRE_SECONDS,
  CLASSIC_EVALUATE_EXPIRE_SECONDS,
  REGISTRY_POLL_EXPIRE_SECONDS,
} from '../../src/jobs/queue-job-expiry.js';
import { QUEUE_JOBS, sendCisEvaluation } from '../../src/jobs/queue-jobs.js';
import type { Job, JobQueue } from '../../src/jobs/queue/job-queue.js';
import { until } from '../../src/jobs/queue/job-queue.contract.js';
import { JobReleasedError } from '../../src/jobs/queue/job-released-error.js';
import { PgBossJobQueue } from '../../src/jobs/queue/pg-boss-queue.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { call } from '../server/api-server.js';
import { checkin, type Host, type Reply } from '../server/fleet/agent-client.js';
import { startFleetServer, type FleetServer } from '../server/fleet/fleet-server.js';
import { postgresBackend } from '../server/service-db-backends.js';

/**
 * Issue 17's CIS evaluation as a queue job, on a private PostgreSQL cluster with pg-boss: the api
 * stores an agent's facts and answers, a worker (a second pg-boss consumer running the real QUEUE_JOBS
 * handlers) assesses them with the per-check results of the embedded path (cis-scans.test.ts proves
 * that path gives assessFacts' results); a repeat writes nothing; a target whose facts wait for a worker
 * is neither asked again nor failed by the deadline; facts stored by an api that died before sending
 * are sent by the feeder; poison facts are dead-lettered, their target FAILS with the reason and the
 * next job runs; a Classic run waits for its CIS evaluation; the jobs carry their own expiry.
 */
const A = '/v1/accounts/acct-f';

interface Scan {
  scanId: string;
  status: string;
  statusReason?: string;
  totalChecks: number;
  failedChecks: number;
  targets: Record<string, number>;
}

let facts: AssessmentFacts;

beforeAll(async () => {
  // What an agent sends when asked for Level 2 (src/agent/assessment-report.ts): CIS plus best practices.
  const root = await debianRootfs({ suite: 'bookworm' });
  const keys = ['cis-debian12', 'security-best-practices'].flatMap((benchmark) =>
    factsNeeded({ benchmark, level: 2, profile: 'server' }),
  );
  facts = await collectFacts(new DirectoryResolver(root), [...new Set(keys)].sort(), { mode: 'rootfs' });
}, 600_000);

describe('CIS evaluation on the job queue (PostgreSQL, pg-boss)', () => {
  const backend = postgresBackend();
  let db: ServiceDb;
  let url = '';
  let f: FleetServer;
  let queue: JobQueue;
  let worker: PgBossJobQueue;
  let web: Host;
  let web2: Host;
  /** Closed: the worker holds its CIS evaluations (the api's side is seen before the worker's). */
  let gate: Promise<void> = Promise.resolve();
  let openGate = (): void => undefined;
  const evaluated: Job[] = [];
  const api = (method: string, path: string, body?: unknown) =>
    call(f.base, f.keys.admin, method, path, body);
  const heartbeat = (h: Host, extra: Record<string, unknown> = {}): Promise<Reply> =>
    checkin(f.base, h, { hash: '', sentAt: f.clock.now.toISOString(), extra });
  const scanOf = async (id: string): Promise<Scan> => (await api('GET', `${A}/cis-scans/${id}`)).json as Scan;
  const checksOf = async (scanId: string, h: Host): Promise<CheckResult[]> => {
    const r = await api(
      'GET',
      `${A}/cis-scans/${scanId}/resources/${encodeURIComponent(h.resourceId)}/checks`,
    );
    return (r.json as { checks: CheckResult[] }).checks;
  };
  const targetRows = (scanId: string) =>
    db.kysely
      .selectFrom('cis_scan_targets')
      .selectAll()
      .where('scan_id', '=', scanId)
      .orderBy('resource_id')
      .execute();
  const closeGate = (): void => {
    gate = new Promise((resolve) => (openGate = resolve));
  };
  /** A one-time scan of the tagged hosts, started by the scheduler's task. */
  const startScan = async (securityLevel: string, tier: string): Promise<string> => {
    const made = await api('POST', `${A}/cis-scan-configurations`, {
      scanName: `${securityLevel} ${tier}`,
      securityLevel,
      schedule: { oneTime: {} },
      targets: { targetResourceTags: { tier: [tier] } },
    });
    expect(made.status).toBe(201);
    await f.runJob('cis-scans');
    const list = (await api('GET', `${A}/cis-scans`)).json as { scans: Scan[] };
    return list.scans.find((s) => s.status === 'IN_PROGRESS')?.scanId ?? '';
  };

  beforeAll(async () => {
    await backend.setup();
    ({ db, url } = await backend.fresh());
    f = await startFleetServer(db, undefined, { jobQueue: 'pg-boss', workerThreads: 0 });
    const apiQueue = f.app.vigil.ctx.queue;
    if (!apiQueue) throw new Error('no queue');
    queue = apiQueue;
    // The api/scheduler side sends; the worker below consumes (its own pg-boss connection).
    await queue.start();
    worker = new PgBossJobQueue({ connectionString: url });
    const stop = new AbortController().signal;
    for (const def of QUEUE_JOBS) {
      const handler = def.handler({ ctx: f.app.vigil.ctx, stop });
      await worker.work(def.type, async (job) => {
        if (job.type !== 'cis-evaluate') return handler(job);
        await gate;
        try {
          await handler(job);
        } finally {
          evaluated.push(job);
        }
      });
    }
    await worker.start();
    const token = await f.createToken({ tags: { tier: 'web' } });
    web = await f.enroll(token, 'a'.repeat(32));
    web2 = await f.enroll(token, 'b'.repeat(32));
  }, 120_000);

  afterAll(async () => {
    await worker?.stop({ graceful: false });
    await f?.close();
    await db?.close();
    await backend.teardown();
  });

  it('the api stores the facts and answers; a worker assesses them as the embedded path does; a repeat writes nothing', async () => {
    const scanId = await startScan('LEVEL_1', 'web');
    expect(await scanOf(scanId)).toMatchObject({ status: 'IN_PROGRESS', targets: { pending: 2 } });
    closeGate();
    const r = await heartbeat(web, { assessmentFacts: facts });
    expect(r.status).toBe(200);
    expect(r.json['assessmentRequest']).toBeUndefined();
    // Answered before any evaluation: the target waits with its facts, and its agent is not asked again.
    const [waiting] = await targetRows(scanId);
    expect(waiting).toMatchObject({ resource_id: web.resourceId, status: 'PENDING', results_json: null });
    expect(waiting?.facts_received_at).toBe(f.clock.now.toISOString());
    expect((await heartbeat(web)).json['assessmentRequest']).toBeUndefined();
    expect((await heartbeat(web2)).json['assessmentRequest']).toMatchObject({ level: 1 });
    // Past the deadline the host without facts fails; the one whose facts wait for a worker does not.
    f.advance(200);
    await f.runJob('cis-scans');
    expect(await scanOf(scanId)).toMatchObject({ status: 'IN_PROGRESS', targets: { pending: 1, failed: 1 } });

    // A worker stopped past the shutdown grace lets go of the job before writing: handed on, not failed.
    const cisHandler = QUEUE_JOBS.find((d) => d.type === 'cis-evaluate')?.handler;
    const stopped = cisHandler?.({ ctx: f.app.vigil.ctx, stop: AbortSignal.abort() });
    const payload = { scanId, resourceAccountId: 'acct-f', resourceId: web.resourceId };
    await expect(
      stopped?.({ id: 'j-stopped', type: 'cis-evaluate', payload, retryCount: 0, retryLimit: 2 }),
    ).rejects.toBeInstanceOf(JobReleasedError);
    expect((await targetRows(scanId))[0]).toEqual(waiting);

    openGate();
    await until(
      'the worker to assess the facts',
      async () => (await scanOf(scanId)).status !== 'IN_PROGRESS',
    );
    const expected = assessFacts(facts, { benchmark: 'cis-debian12', level: 1, profile: 'server' }).results;
    expect(await checksOf(scanId, web)).toEqual(expected);
    expect(await scanOf(scanId)).toMatchObject({
      status: 'COMPLETED',
      statusReason: '1 of 2 target hosts assessed',
      totalChecks: expected.length,
      failedChecks: expected.filter((c) => c.status === 'FAILED').length,
    });

    // The same job again (a redelivery): the target is no longer waiting, nothing is written.
    const before = await targetRows(scanId);
    const done = evaluated.length;
    f.advance(60);
    await sendCisEvaluation(queue, {
      scanId,
      accountId: 'acct-f',
      resourceAccountId: 'acct-f',
      resourceId: web.resourceId,
    });
    await until('the repeated job', () => evaluated.length === done + 1);
    expect(await targetRows(scanId)).toEqual(before);
    expect(await queue.deadLetters()).toEqual([]);
  }, 60_000);

  it('facts stored by an api that died before sending are sent by the feeder; poison facts are dead-lettered, their target FAILS and the next job runs', async () => {
    const scanId = await startScan('LEVEL_2', 'web');
    // web2's api stored facts and died before sending: a document the checks engine cannot read.
    const at = f.clock.now.toISOString();
    await db.kysely
      .insertInto('host_assessment_facts')
      .values({
        account_id: 'acct-f',
        resource_id: web2.resourceId,
        facts_json: JSON.stringify({ schema: 'vigil.assessment-facts/v0' }),
        target_mode: 'rootfs',
        received_at: at,
      })
      .execute();
    await db.kysely
      .updateTable('cis_scan_targets')
      .set({ facts_received_at: at })
      .where('scan_id', '=', scanId)
      .where('resource_id', '=', web2.resourceId)
      .execute();
    await f.runJob('queue-feeder');
    // The poison job is queued first; the good facts sent after it are assessed all the same.
    expect((await heartbeat(web, { assessmentFacts: facts })).status).toBe(200);
    await until(
      'the good facts assessed and the poison dead-lettered',
      async () => (await scanOf(scanId)).status !== 'IN_PROGRESS',
      40_000,
    );
    const expected = assessFacts(facts, { benchmark: 'cis-debian12', level: 2, profile: 'server' }).results;
    expect(await checksOf(scanId, web)).toEqual(expected);
    const rows = await targetRows(scanId);
    expect(rows.find((t) => t.resource_id === web2.resourceId)).toMatchObject({
      status: 'FAILED',
      status_reason: expect.stringMatching(/^EVALUATION_FAILED: .*assessment facts are invalid/) as unknown,
      results_json: null,
    });
    expect(await scanOf(scanId)).toMatchObject({
      status: 'COMPLETED',
      statusReason: '1 of 2 target hosts assessed',
    });
    await until('the dead letter', async () => (await queue.deadLetters()).length === 1);
    expect(await queue.deadLetters()).toEqual([
      expect.objectContaining({
        type: 'cis-evaluate',
        accountId: 'acct-f',
        payload: { scanId, resourceAccountId: 'acct-f', resourceId: web2.resourceId },
        attempts: 3,
      }),
    ]);
    // The feeder sends nothing more for a target that has ended.
    const sent = evaluated.length;
    await f.runJob('queue-feeder');
    expect(await jobsOf('cis-evaluate', ['created', 'retry', 'active'])).toEqual([]);
    expect(evaluated.length).toBe(sent);
  }, 60_000);

  it('a Classic run waits for its CIS evaluation on a worker, then is evaluated into findings; each job type carries its own hold', async () => {
    const token = await f.createToken({ tags: { tier: 'classic' } });
    const host = await f.enroll(token, 'c'.repeat(32));
    const t = await api('POST', `${A}/assessment-targets`, {
      name: 'classic',
      resourceTags: { tier: ['classic'] },
    });
    const template = await api('POST', `${A}/assessment-templates`, {
      name: 'classic',
      assessmentTargetId: (t.json as { assessmentTargetId: string }).assessmentTargetId,
      rulesPackages: ['CIS', 'SECURITY_BEST_PRACTICES'],
      durationInSeconds: 600,
    });
    const started = await api(
      'POST',
      `${A}/assessment-templates/${(template.json as { assessmentTemplateId: string }).assessmentTemplateId}/runs`,
    );
    expect(started.status).toBe(201);
    const runId = (started.json as { assessmentRunId: string }).assessmentRunId;
    const state = async () =>
      ((await api('GET', `${A}/assessment-runs/${runId}`)).json as { state: string }).state;
    closeGate();
    expect((await heartbeat(host, { assessmentFacts: facts })).status).toBe(200);
    await until(
      'the worker to hold the evaluation',
      async () => (await jobsOf('cis-evaluate', ['active'])).length === 1,
    );
    await f.runJob('queue-feeder');
    // Facts in, not yet assessed: the run still collects, and no classic-evaluate job was sent.
    expect(await state()).toBe('COLLECTING_DATA');
    expect(await jobsOf('classic-evaluate', ['created', 'retry', 'active', 'completed'])).toEqual([]);
    openGate();
    await until('the run to be evaluated', async () => {
      await f.runJob('queue-feeder');
      return (await state()) === 'COMPLETED';
    });
    const filter = JSON.stringify({ findingType: [{ comparison: 'EQUALS', value: 'CONFIGURATION' }] });
    const found = await api('GET', `/v1/findings?maxResults=500&filter=${encodeURIComponent(filter)}`);
    expect((found.json as { findings: unknown[] }).findings.length).toBeGreaterThan(20);

    // Each type's own hold reached pg-boss (pg-boss 10: pgboss.job.expire_in), not its 15-minute default.
    expect(await jobsOf('classic-evaluate', ['completed'])).toEqual([CLASSIC_EVALUATE_EXPIRE_SECONDS]);
    const cis = await jobsOf('cis-evaluate', ['completed', 'failed']);
    expect(cis.length).toBeGreaterThan(0);
    expect(new Set(cis)).toEqual(new Set([CIS_EVALUATE_EXPIRE_SECONDS]));
    // A registry due for its poll: the scheduler's task sends its job with the poll's own hold.
    const at = f.clock.now.toISOString();
    await db.kysely
      .insertInto('registries')
      .values({
        id: 'reg-poll',
        account_id: 'acct-f',
        name: 'polled',
        host: '127.0.0.1:1',
        insecure: 1,
        discovery: 'POLLING',
        poll_interval_seconds: null,
        credentials_sealed: null,
        notification_secret_hash: 'x',
        created_at: at,
        updated_at: at,
        last_polled_at: null,
        poll_error_json: null,
      })
      .execute();
    await f.runJob('registry-poll');
    expect(await jobsOf('registry-poll', ['created', 'retry', 'active', 'completed'])).toEqual([
      REGISTRY_POLL_EXPIRE_SECONDS,
    ]);
  }, 60_000);

  /** The expire_in (seconds) of the service's jobs of a type in these pg-boss states. */
  async function jobsOf(type: string, states: string[]): Promise<number[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ s: number }>(
        `SELECT extract(epoch FROM expire_in)::int AS s FROM pgboss.job
          WHERE name = 'vigil-jobs' AND data->>'type' = $1 AND state::text = ANY($2::text[])`,
        [type, states],
      );
      return rows.map((r) => r.s);
    } catch (err) {
      throw new Error(`reading pgboss.job: ${String(err)}`);
    } finally {
      await client.end();
    }
  }
});
