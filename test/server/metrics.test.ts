import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { checkin, debianInventory, enroll, inventoryHash } from './fleet/agent-client.js';
import { openFleetVulnDb } from './fleet/fleet-server.js';
import {
  ACCOUNT,
  api,
  importAdvisory,
  METRICS_TOKEN,
  refusingPort,
  startMetricsServer,
  type MetricsServer,
} from './metrics-harness.js';
import { Scrape } from './metrics-scrape.js';
import { BACKENDS, sqliteBackend } from './service-db-backends.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  describe(`GET /metrics and request ids (${backend.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-'));
    let db: ServiceDb;
    let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
    let m: MetricsServer;

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      vulns = await openFleetVulnDb();
      m = await startMetricsServer(db, vulns.vulns);
    });
    afterAll(async () => {
      await m.app.close();
      await db.close();
      await vulns.close();
      await backend.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers only its scrape token, stays out of the OpenAPI document, and is off (404) without one', async () => {
      const none = await api(m.base, undefined, 'GET', '/metrics');
      expect(none).toMatchObject({ status: 401, json: { code: 'METRICS_UNAUTHENTICATED' } });
      expect(none.requestId).toMatch(UUID);
      expect((await api(m.base, m.key, 'GET', '/metrics')).status).toBe(401); // an API key is not the token
      expect((await api(m.base, `${METRICS_TOKEN}x`, 'GET', '/metrics')).status).toBe(401);
      // …and the token opens nothing of the API.
      expect((await api(m.base, METRICS_TOKEN, 'GET', `/v1/accounts/${ACCOUNT}/resources`)).status).toBe(401);
      const paths = Object.keys(
        (await api(m.base, undefined, 'GET', '/openapi.json')).json['paths'] as object,
      );
      expect(paths.length).toBeGreaterThan(20);
      expect(paths).not.toContain('/metrics');

      const s = await m.scrape();
      expect(s.types()).toMatchObject({
        vigil_http_request_duration_seconds: 'histogram',
        vigil_scans_completed_total: 'counter',
        vigil_rematch_duration_seconds: 'histogram',
        vigil_webhook_delivery_failures_total: 'counter',
        vigil_agent_checkins_total: 'counter',
        vigil_queue_depth: 'gauge',
        vigil_queue_oldest_age_seconds: 'gauge',
        vigil_coverage_resources: 'gauge',
        // prom-client's default process metrics
        process_cpu_user_seconds_total: 'counter',
        process_resident_memory_bytes: 'gauge',
        nodejs_eventloop_lag_seconds: 'gauge',
      });
      expect(s.value('process_resident_memory_bytes')).toBeGreaterThan(1e6);
      // The requests above, by route template and status class.
      const label = { method: 'GET', route: '/metrics', status_class: '4xx' };
      expect(s.count('vigil_http_request_duration_seconds', label)).toBe(3);

      // A worker serves no API, only the probes and, given the token, its own counters.
      const worker = await buildServer({
        db,
        role: 'worker',
        background: false,
        metrics: { token: METRICS_TOKEN },
      });
      try {
        const base = await worker.listen({ port: 0, host: '127.0.0.1' });
        expect((await api(base, m.key, 'GET', `/v1/accounts/${ACCOUNT}/resources`)).status).toBe(404);
        expect((await Scrape.of(base, METRICS_TOKEN)).types()).toMatchObject({
          vigil_scans_completed_total: 'counter',
        });
      } finally {
        await worker.close();
      }

      const off = await buildServer({ db, background: false });
      try {
        const base = await off.listen({ port: 0, host: '127.0.0.1' });
        expect(await api(base, METRICS_TOKEN, 'GET', '/metrics')).toMatchObject({
          status: 404,
          json: { code: 'METRICS_DISABLED' },
        });
      } finally {
        await off.close();
      }
    });

    it('counts agent check-ins by result and inventory scans; coverage is the coverage table by status', async () => {
      const before = await m.scrape();
      const created = await api(m.base, m.key, 'POST', `/v1/accounts/${ACCOUNT}/enrollment-tokens`, {});
      expect(created.status).toBe(201);
      const machineId = 'feedc0de'.repeat(4);
      const host = (await enroll(m.base, created.json['token'] as string, machineId)).host!;
      const inv = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });
      const sentAt = m.clock.now.toISOString();
      expect((await checkin(m.base, host, { hash: inventoryHash(inv), sentAt })).status).toBe(200);
      expect((await checkin(m.base, host, { hash: inventoryHash(inv), inventory: inv, sentAt })).status).toBe(
        200,
      );
      expect((await checkin(m.base, { key: 'vh_not-a-host-key' }, { hash: 'x', sentAt })).status).toBe(401);

      const after = await m.scrape();
      const delta = (name: string, labels: Record<string, string>): number =>
        after.value(name, labels) - before.value(name, labels);
      expect(delta('vigil_agent_checkins_total', { result: 'heartbeat' })).toBe(1);
      expect(delta('vigil_agent_checkins_total', { result: 'inventory' })).toBe(1);
      expect(delta('vigil_agent_checkins_total', { result: 'refused' })).toBe(1);
      expect(delta('vigil_scans_completed_total', { kind: 'inventory', outcome: 'succeeded' })).toBe(1);
      const route = { method: 'POST', route: '/v1/agent/checkin' };
      expect(after.count('vigil_http_request_duration_seconds', { ...route, status_class: '2xx' })).toBe(2);

      const rows = await db.kysely
        .selectFrom('coverage')
        .select(['status', 'reason', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy(['status', 'reason'])
        .execute();
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows)
        expect(after.value('vigil_coverage_resources', { status: r.status, reason: r.reason })).toBe(
          Number(r.n),
        );
      expect(after.value('vigil_coverage_resources', { status: 'ACTIVE', reason: 'SUCCESSFUL' })).toBe(1);
      // Counts only: no account, resource, machine or key in any label.
      const secrets = [ACCOUNT, host.resourceId, machineId, host.key, m.key, METRICS_TOKEN];
      for (const v of after.labelValues()) for (const x of secrets) expect(v).not.toContain(x);
      for (const x of secrets) expect(after.text).not.toContain(x);
    });

    it('an image scan waits in the queue (depth, age), then fails on a refusing registry: failed +1', async () => {
      const port = await refusingPort();
      const before = await m.scrape();
      const queued = await api(m.base, m.key, 'POST', `/v1/accounts/${ACCOUNT}/image-scans`, {
        reference: `127.0.0.1:${port}/team/app:1`,
        insecure: true,
      });
      expect(queued.status).toBe(202);
      m.advance(90);
      const waiting = await m.scrape();
      expect(waiting.value('vigil_queue_depth', { job_type: 'scan:image' })).toBe(1);
      expect(waiting.value('vigil_queue_oldest_age_seconds', { job_type: 'scan:image' })).toBe(90);

      await m.runJob('scan-worker');
      const after = await m.scrape();
      const failed = { kind: 'image', outcome: 'failed' };
      expect(after.value('vigil_scans_completed_total', failed)).toBe(
        before.value('vigil_scans_completed_total', failed) + 1,
      );
      expect(after.value('vigil_queue_depth', { job_type: 'scan:image' })).toBe(0);
      expect(after.value('vigil_queue_oldest_age_seconds', { job_type: 'scan:image' })).toBe(0);
      const scan = await api(
        m.base,
        m.key,
        'GET',
        `/v1/accounts/${ACCOUNT}/scans/${queued.json['scanId'] as string}`,
      );
      expect(scan.json['status']).toBe('FAILED');
    });

    it('a findings report waits in the queue until the report worker runs it', async () => {
      const queued = await api(m.base, m.key, 'POST', '/v1/reports', { format: 'CSV' });
      expect(queued.status).toBe(202);
      m.advance(30);
      const waiting = await m.scrape();
      expect(waiting.value('vigil_queue_depth', { job_type: 'report' })).toBe(1);
      expect(waiting.value('vigil_queue_oldest_age_seconds', { job_type: 'report' })).toBe(30);
      await m.runJob('report-worker');
      const done = await m.scrape();
      expect(done.value('vigil_queue_depth', { job_type: 'report' })).toBe(0);
      expect(done.value('vigil_queue_oldest_age_seconds', { job_type: 'report' })).toBe(0);
    });

    it('a webhook to a refusing 127.0.0.1 endpoint: each failed attempt +1, the last one final', async () => {
      const port = await refusingPort();
      const sub = await api(m.base, m.key, 'POST', `/v1/accounts/${ACCOUNT}/webhooks`, {
        url: `http://127.0.0.1:${port}/hook`,
        eventTypes: ['vigil.scan.completed'],
      });
      expect(sub.status).toBe(201);
      const inventory = debianInventory({ leftpad: '1.0.0' });
      const path = `/v1/accounts/${ACCOUNT}/resources/web-1/inventory`;
      expect((await api(m.base, m.key, 'POST', path, inventory)).status).toBe(200);
      const before = await m.scrape();
      await m.runJob('webhook-dispatcher'); // fans the one event out and tries it: refused
      const once = await m.scrape();
      expect(once.value('vigil_webhook_delivery_failures_total', { final: 'false' })).toBe(
        before.value('vigil_webhook_delivery_failures_total', { final: 'false' }) + 1,
      );
      expect(once.value('vigil_queue_depth', { job_type: 'webhook-delivery' })).toBe(1);
      m.advance(5);
      await m.runJob('webhook-dispatcher'); // the second and last attempt
      const twice = await m.scrape();
      expect(twice.value('vigil_webhook_delivery_failures_total', { final: 'true' })).toBe(
        before.value('vigil_webhook_delivery_failures_total', { final: 'true' }) + 1,
      );
      expect(twice.value('vigil_webhook_delivery_failures_total', { final: 'false' })).toBe(
        once.value('vigil_webhook_delivery_failures_total', { final: 'false' }),
      );
      expect(twice.value('vigil_queue_depth', { job_type: 'webhook-delivery' })).toBe(0);
    });

    it('a vulnerability DB import waits as a re-match, whose run is timed by mode', async () => {
      // Never re-matched against this vulnerability DB: its one import waits, and the first run is full.
      expect((await m.scrape()).value('vigil_queue_depth', { job_type: 'rematch' })).toBe(1);
      await m.runJob('rematch');
      const first = await m.scrape();
      expect(first.count('vigil_rematch_duration_seconds', { mode: 'full' })).toBe(1);
      expect(first.value('vigil_queue_depth', { job_type: 'rematch' })).toBe(0);

      await importAdvisory(vulns.vulns, dir, 'GHSA-vgil-metr-0001');
      expect((await m.scrape()).value('vigil_queue_depth', { job_type: 'rematch' })).toBe(1);
      await m.runJob('rematch');
      await m.runJob('rematch'); // nothing new: an idle poll is not timed
      const second = await m.scrape();
      expect(second.count('vigil_rematch_duration_seconds', { mode: 'keys' })).toBe(1);
      expect(second.count('vigil_rematch_duration_seconds', { mode: 'full' })).toBe(1);
      expect(second.value('vigil_queue_depth', { job_type: 'rematch' })).toBe(0);
    });

    it('every request log line carries its request id, the client’s when well-formed; keys stay redacted', async () => {
      const mine = 'trace-4bf92f35.77:x';
      const ok = await api(m.base, m.key, 'GET', `/v1/accounts/${ACCOUNT}/resources`, undefined, {
        'x-request-id': mine,
      });
      expect(ok).toMatchObject({ status: 200, requestId: mine });
      for (const bad of ['has space', 'x'.repeat(129), '<script>', '-leading-dash'])
        expect(
          (await api(m.base, m.key, 'GET', '/health', undefined, { 'x-request-id': bad })).requestId,
        ).toMatch(UUID);
      const refused = await api(m.base, undefined, 'GET', `/v1/accounts/${ACCOUNT}/resources`, undefined, {
        'x-request-id': 'refused-1',
      });
      expect(refused).toMatchObject({ status: 401, requestId: 'refused-1' });

      const lines = m.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const ofMine = lines.filter((l) => l['reqId'] === mine);
      expect(ofMine.map((l) => l['msg'])).toEqual(['incoming request', 'request completed']);
      expect(lines.filter((l) => l['reqId'] === 'refused-1')).toHaveLength(2);
      // Every request line has an id; none shows a key or the scrape token.
      const requestLines = lines.filter((l) => l['req'] !== undefined || l['res'] !== undefined);
      expect(requestLines.length).toBeGreaterThan(20);
      expect(requestLines.every((l) => typeof l['reqId'] === 'string' && l['reqId'] !== '')).toBe(true);
      for (const l of m.lines) {
        expect(l).not.toContain(m.key);
        expect(l).not.toContain(METRICS_TOKEN);
      }
    });
  });
}

describe('job ids in the logs', () => {
  it('a background job’s log lines name the job and its run: two failing runs, two ids', async () => {
    const backend = sqliteBackend();
    await backend.setup();
    const { db } = await backend.fresh();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-job-'));
    const vulnDb = await openVulnDb(join(dir, 'vulndb.sqlite'));
    const failures: Array<Record<string, unknown>> = [];
    const app = await buildServer({
      db,
      vulnDb,
      store: vulnDb.store,
      config: { pollIntervalMs: 20 },
      logStream: {
        write: (l) => {
          const line = JSON.parse(l) as Record<string, unknown>;
          if (line['msg'] === 're-match after a vulnerability DB import failed') failures.push(line);
        },
      },
    });
    try {
      // A vulnerability DB closed under the running server: every re-match run fails and says so.
      await vulnDb.close();
      while (failures.length < 2) await new Promise((r) => setTimeout(r, 20));
      expect(failures.slice(0, 2).map((l) => l['job'])).toEqual(['rematch', 'rematch']);
      const ids = failures.map((l) => l['jobId']);
      expect(ids[0]).toMatch(UUID);
      expect(ids[1]).toMatch(UUID);
      expect(ids[0]).not.toBe(ids[1]);
    } finally {
      await app.close();
      await db.close();
      await backend.teardown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
