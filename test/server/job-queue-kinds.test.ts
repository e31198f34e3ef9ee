import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { JOB_PRIORITY, QUEUE_JOBS, type QueueJobType } from '../../src/jobs/queue-jobs.js';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { startRegistry, type RunningRegistry } from '../image/fixtures/registry-server.js';
import { insertAccount, LOOPBACK_EGRESS } from './api-server.js';

/**
 * The job kinds that joined the queue: registry polls and Classic run evaluations. In queue mode the
 * scheduler's tasks (registry-poll, queue-feeder) send them as jobs instead of doing the work; the
 * real handlers do it, and a repeat of a job is a no-op (the row's state is its claim). The in-process
 * queue here is not started (`background: false`), so each job waits where the test can see it.
 */
const A = '/v1/accounts/acct-1';
let dir: string;
let db: ServiceDb;
let reg: RunningRegistry;
let app: FastifyInstance;
let auth: { authorization: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-queue-kinds-'));
  db = await openServiceDb({ url: `sqlite:${join(dir, 'svc.sqlite')}` });
  await insertAccount(db, 'acct-1');
  auth = {
    authorization: `Bearer ${(await createApiKey(db.kysely, { accountId: 'acct-1', role: 'admin' })).key}`,
  };
  reg = await startRegistry('none');
  app = await buildServer({
    db,
    background: false,
    config: { jobQueue: 'in-process', workerThreads: 0, ...LOOPBACK_EGRESS },
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await reg?.stop();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
  const r = await app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, json: r.json<Record<string, unknown>>() };
};
const task = (name: string) => {
  const t = app.vigil.tasks.find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name}`);
  return t;
};
const handle = async (type: QueueJobType, payload: Record<string, unknown>): Promise<void> => {
  const def = QUEUE_JOBS.find((j) => j.type === type);
  if (!def) throw new Error(`no queue job ${type}`);
  await def.handler({ ctx: app.vigil.ctx, stop: new AbortController().signal })({
    id: 'test',
    type,
    payload,
    retryCount: 0,
    retryLimit: 3,
  });
};
/** Whether a job of `type` with this key waits in the queue: a second send of the key is dropped. */
const waiting = async (type: QueueJobType, key: string): Promise<boolean> =>
  (await app.vigil.ctx.queue?.send(type, {}, { singletonKey: key })) === undefined;

it('every queue job type has a priority; a scan someone waits for goes before polls and re-matches', () => {
  expect(QUEUE_JOBS.map((j) => j.type).sort()).toEqual(Object.keys(JOB_PRIORITY).sort());
  expect(QUEUE_JOBS.every((j) => j.role === 'worker')).toBe(true);
  expect(JOB_PRIORITY['image-scan']).toBeGreaterThan(JOB_PRIORITY['registry-poll']);
  expect(JOB_PRIORITY['registry-poll']).toBeGreaterThan(JOB_PRIORITY['rematch-batch']);
  // Uploads (a check-in's, a submission's inventory) ahead of scheduled work, after a waited-for image scan.
  expect(JOB_PRIORITY['inventory-match']).toBeLessThan(JOB_PRIORITY['image-scan']);
  expect(JOB_PRIORITY['inventory-match']).toBeGreaterThan(JOB_PRIORITY['webhook-deliver']);
  expect(JOB_PRIORITY['inventory-match']).toBeGreaterThan(JOB_PRIORITY['report-export']);
});

it('a due registry is polled by a registry-poll job (key: the registry id), once', async () => {
  const made = await api('POST', `${A}/registries`, {
    name: 'polled',
    url: reg.host,
    discovery: 'POLLING',
    pollInterval: 60,
  });
  expect(made.status, JSON.stringify(made.json)).toBe(201);
  const id = made.json['id'] as string;
  const rules = [{ repositoryFilter: '*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' }];
  expect((await api('PUT', `${A}/image-scanning`, { rules })).status).toBe(200);
  const polledAt = async (): Promise<unknown> =>
    (await api('GET', `${A}/registries/${id}`)).json['lastPolledAt'];

  // The scheduler's task sends the poll and does not poll itself.
  await task('registry-poll').runOnce();
  expect(await polledAt()).toBeNull();
  expect(await waiting('registry-poll', id)).toBe(true);

  await handle('registry-poll', { registryId: id });
  const first = await polledAt();
  expect(typeof first).toBe('string');
  expect((await api('GET', `${A}/registries/${id}`)).json['pollError']).toBeNull();
  // Delivered again: the registry is not due, nothing polled.
  await handle('registry-poll', { registryId: id });
  expect(await polledAt()).toBe(first);
  // A registry deleted since its job was sent: nothing to do.
  await handle('registry-poll', { registryId: 'gone' });
}, 60_000);

it('a Classic run ready to evaluate goes to a classic-evaluate job; a repeat writes nothing', async () => {
  const target = await api('POST', `${A}/assessment-targets`, { name: 'empty' });
  const template = await api('POST', `${A}/assessment-templates`, {
    name: 'cve only',
    assessmentTargetId: target.json['assessmentTargetId'],
    rulesPackages: ['CVE'],
    durationInSeconds: 600,
  });
  expect(template.status, JSON.stringify(template.json)).toBe(201);
  const started = await api(
    'POST',
    `${A}/assessment-templates/${String(template.json['assessmentTemplateId'])}/runs`,
  );
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  const runId = started.json['assessmentRunId'] as string;
  const run = () =>
    db.kysely.selectFrom('assessment_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();

  // The scheduler's Classic task starts due runs only; the feeder sends the ready one as a job.
  await task('classic-assessments').runOnce();
  expect((await run()).state).toBe('CREATED');
  await task('queue-feeder').runOnce();
  expect(await waiting('classic-evaluate', runId)).toBe(true);

  await handle('classic-evaluate', { runId });
  const evaluated = await run();
  // No host in the target: the run fails with its reason, evaluated once.
  expect(evaluated.state).toBe('FAILED');
  await handle('classic-evaluate', { runId });
  expect(await run()).toEqual(evaluated);
}, 60_000);

it('a report RUNNING past its job hold lost its worker: the feeder queues it again; a fresh one is left alone', async () => {
  const row = (id: string, startedAt: string) => ({
    id,
    account_id: 'acct-1',
    key_id: 'k',
    kind: 'findings' as const,
    format: 'CSV',
    request_json: '{}',
    scope_json: '["acct-1"]',
    status: 'RUNNING' as const,
    error_json: null,
    content: null,
    content_type: null,
    size: null,
    created_at: startedAt,
    started_at: startedAt,
    finished_at: null,
  });
  const now = Date.now();
  await db.kysely
    .insertInto('reports')
    .values([
      row('r-dead', new Date(now - 60 * 60_000).toISOString()),
      row('r-live', new Date(now - 60_000).toISOString()),
    ])
    .execute();
  await task('queue-feeder').runOnce();
  const status = async (id: string) =>
    (await db.kysely.selectFrom('reports').select('status').where('id', '=', id).executeTakeFirstOrThrow())
      .status;
  expect([await status('r-dead'), await status('r-live')]).toEqual(['QUEUED', 'RUNNING']);
  expect(await waiting('report-export', 'r-dead')).toBe(true);
  expect(await waiting('report-export', 'r-live')).toBe(false);
});
