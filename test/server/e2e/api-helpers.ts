import { setTimeout as sleep } from 'node:timers/promises';
import type { FilterCriteria } from '../../../src/findings/filter-criteria.js';
import type { Finding } from '../../../src/findings/finding-types.js';
import { call } from '../api-server.js';

export { call };

/** A call that must answer `status`; anything else fails with the body, which names the cause. */
export async function expectStatus<T = Record<string, unknown>>(
  status: number,
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const r = await call(base, key, method, path, body);
  if (r.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${JSON.stringify(r.json)}`);
  }
  return r.json as T;
}

/** Every finding the key may see under `filter`, following nextToken through all pages. */
export async function listAllFindings(
  base: string,
  key: string,
  filter: FilterCriteria = {},
): Promise<Finding[]> {
  const out: Finding[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams({ filter: JSON.stringify(filter), maxResults: '100' });
    if (token) q.set('nextToken', token);
    const r = await expectStatus<{ findings: Finding[]; nextToken?: string }>(
      200,
      base,
      key,
      'GET',
      `/v1/findings?${q.toString()}`,
    );
    out.push(...r.findings);
    token = r.nextToken;
    if (!token) return out;
  }
  throw new Error('GET /v1/findings: more than 1000 pages');
}

/**
 * Polls `read` until `done` says the state is final; a generous deadline only turns a hang into a
 * failure with the last state (no assertion is made on how long it took).
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

/** The raw body of a download (a report's content is CSV or JSON text, not always JSON). */
export async function download(
  base: string,
  key: string,
  path: string,
): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The package a finding is filed under (FilterCriteria packageName: its first vulnerable package). */
export function packageOf(f: Finding): string {
  return f.packageVulnerabilityDetails?.vulnerablePackages[0]?.name ?? '';
}

/** Count of findings per key, for comparing with aggregations. */
export function countBy(findings: readonly Finding[], key: (f: Finding) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
  return m;
}

/** POST /v1/reports, then its job polled to a final state, then its content (whatever the outcome). */
export async function requestReport(
  base: string,
  key: string,
  body: unknown,
): Promise<{ reportId: string; job: { status: string }; content: { status: number; text: string } }> {
  const created = await expectStatus<{ reportId: string }>(202, base, key, 'POST', '/v1/reports', body);
  const job = await pollUntil(
    `report ${created.reportId}`,
    () => expectStatus<{ status: string }>(200, base, key, 'GET', `/v1/reports/${created.reportId}`),
    (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED',
  );
  const content = await download(base, key, `/v1/reports/${created.reportId}/content`);
  return { reportId: created.reportId, job, content };
}
