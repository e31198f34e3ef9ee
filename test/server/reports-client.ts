import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnStore } from '../../src/vulndb/vuln-types.js';
import { call } from './api-server.js';

/** A server whose report worker runs only when the test says so (no background loop racing it). */
export interface ReportServer {
  app: FastifyInstance;
  base: string;
  runWorker(): Promise<void>;
}

export async function reportServer(
  db: ServiceDb,
  store?: VulnStore,
  now?: () => Date,
): Promise<ReportServer> {
  const app = await buildServer({
    db,
    background: false,
    ...(store ? { store } : {}),
    ...(now ? { now } : {}),
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const worker = app.vigil.tasks.find((t) => t.name === 'report-worker');
  if (!worker) throw new Error('no report-worker task');
  return { app, base, runWorker: () => worker.runOnce() };
}

export async function queueReport(base: string, key: string, path: string, body: unknown): Promise<string> {
  const r = await call(base, key, 'POST', path, body);
  expect(r).toMatchObject({ status: 202, json: { status: 'QUEUED' } });
  return (r.json as { reportId: string }).reportId;
}

export interface Download {
  status: number;
  contentType: string | null;
  disposition: string | null;
  text: string;
}

export async function download(base: string, key: string, reportId: string): Promise<Download> {
  const res = await fetch(`${base}/v1/reports/${reportId}/content`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    text: await res.text(),
  };
}

/** Runs the worker, checks the report SUCCEEDED, and downloads it. */
export async function finishedReport(s: ReportServer, key: string, reportId: string): Promise<Download> {
  await s.runWorker();
  const status = await call(s.base, key, 'GET', `/v1/reports/${reportId}`);
  expect(status).toMatchObject({ status: 200, json: { reportId, status: 'SUCCEEDED' } });
  const d = await download(s.base, key, reportId);
  expect(d.status).toBe(200);
  expect((status.json as { size: number }).size).toBe(Buffer.byteLength(d.text, 'utf8'));
  return d;
}

/** Every page of GET /v1/findings for the filter: what the report must hold, found independently. */
export async function allFindings(base: string, key: string, filter: unknown): Promise<Finding[]> {
  const out: Finding[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ filter: JSON.stringify(filter), maxResults: '500' });
    if (token) q.set('nextToken', token);
    const r = await call(base, key, 'GET', `/v1/findings?${q.toString()}`);
    expect(r.status).toBe(200);
    const page = r.json as { findings: Finding[]; nextToken?: string };
    out.push(...page.findings);
    token = page.nextToken;
  } while (token);
  return out;
}
