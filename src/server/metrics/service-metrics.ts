import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { subscribeMetrics } from '../../core/metrics/metric-events.js';
import {
  coverageCounts,
  queueDepths,
  type CoverageCount,
  type QueueDepth,
} from '../../jobs/service-gauges.js';
import type { ServiceContext } from '../../jobs/service-context.js';

/** How an agent's check-in ended: a heartbeat, an inventory taken, refused (4xx) or failed (5xx). */
export type CheckinResult = 'heartbeat' | 'inventory' | 'refused' | 'failed';

/** The process's Prometheus registry with vigil's metrics; `close` stops listening to metric events. */
export interface ServiceMetrics {
  registry: Registry;
  observeRequest(r: { method: string; route: string; statusCode: number; seconds: number }): void;
  agentCheckin(result: CheckinResult): void;
  close(): void;
}

/** Seconds buckets for re-matches: a few keys take milliseconds, a full fleet re-match minutes. */
const REMATCH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * vigil's metrics (README "Metrics and logs" lists them): counters fed by the metric events
 * (core/metrics/metric-events.ts) and by the HTTP hooks, gauges read from the service DB at scrape
 * time, and prom-client's default process metrics. Labels are bounded enums and route templates:
 * never an account, resource, key or raw URL.
 */
export function createServiceMetrics(ctx: ServiceContext): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers,
  });
  const scans = new Counter({
    name: 'vigil_scans_completed_total',
    help: 'Scans completed, by kind (image, inventory) and outcome (succeeded, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const rematch = new Histogram({
    name: 'vigil_rematch_duration_seconds',
    help: 'Duration of re-matches after vulnerability DB imports, by mode (keys, full)',
    labelNames: ['mode'] as const,
    buckets: REMATCH_BUCKETS,
    registers,
  });
  const webhookFailures = new Counter({
    name: 'vigil_webhook_delivery_failures_total',
    help: 'Failed webhook delivery attempts; final="true" when the delivery was given up',
    labelNames: ['final'] as const,
    registers,
  });
  const checkins = new Counter({
    name: 'vigil_agent_checkins_total',
    help: 'Agent check-ins by result (heartbeat, inventory, refused, failed)',
    labelNames: ['result'] as const,
    registers,
  });
  registerGauges(ctx, registers);
  const unsubscribe = subscribeMetrics({
    scanFinished: (e) => scans.inc({ kind: e.kind, outcome: e.outcome }),
    webhookAttemptFailed: (e) => webhookFailures.inc({ final: String(e.final) }),
    rematchFinished: (e) => rematch.observe({ mode: e.mode }, e.seconds),
  });
  return {
    registry,
    observeRequest: (r) =>
      requests.observe(
        { method: r.method, route: r.route, status_class: `${Math.floor(r.statusCode / 100)}xx` },
        r.seconds,
      ),
    agentCheckin: (result) => checkins.inc({ result }),
    close: unsubscribe,
  };
}

interface DbSnapshot {
  queues: QueueDepth[];
  coverage: CoverageCount[];
}

/** The gauges read from the service DB, one read per scrape shared by the gauges that show it. */
function registerGauges(ctx: ServiceContext, registers: Registry[]): void {
  let pending: Promise<DbSnapshot> | undefined;
  const snapshot = (): Promise<DbSnapshot> => {
    // The gauges of one scrape are collected together: the first asks, the others share its answer.
    pending ??= Promise.all([queueDepths(ctx.db, ctx.vulnDb), coverageCounts(ctx.db)])
      .then(([queues, coverage]) => ({ queues, coverage }))
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  new Gauge({
    name: 'vigil_queue_depth',
    help: 'Jobs waiting, by job type (scan:KIND, report, webhook-delivery, rematch)',
    labelNames: ['job_type'] as const,
    registers,
    async collect() {
      const { queues } = await snapshot();
      this.reset();
      for (const q of queues) this.set({ job_type: q.jobType }, q.depth);
    },
  });
  new Gauge({
    name: 'vigil_queue_oldest_age_seconds',
    help: 'Age of the oldest waiting job, by job type (0 when none waits)',
    labelNames: ['job_type'] as const,
    registers,
    async collect() {
      const { queues } = await snapshot();
      const now = ctx.now().getTime();
      this.reset();
      for (const q of queues) {
        const age = q.oldestAt === undefined ? 0 : Math.max(0, (now - Date.parse(q.oldestAt)) / 1000);
        this.set({ job_type: q.jobType }, age);
      }
    },
  });
  new Gauge({
    name: 'vigil_coverage_resources',
    help: 'Coverage rows (resource and scan type) by status and reason, all accounts together',
    labelNames: ['status', 'reason'] as const,
    registers,
    async collect() {
      const { coverage } = await snapshot();
      this.reset();
      for (const c of coverage) this.set({ status: c.status, reason: c.reason }, c.count);
    },
  });
}
