import type { Finding } from '../src/findings/finding-types.js';
import type { FilterCriteria } from '../src/findings/filter-criteria.js';
import type { Fleet } from './service-fleet.js';
import { rng } from './service-inventories.js';

/** One GET /v1/findings request of the mix; `pages` > 1 follows nextToken that many times. */
export interface ListRequest {
  kind: string;
  key: string;
  filter?: FilterCriteria;
  sortBy?: string;
  sortOrder?: 'ASC' | 'DESC';
  pages?: number;
}

export interface Latencies {
  [kind: string]: number[];
}

const DAY = 86_400_000;

/**
 * The request mix: what a dashboard and integrations ask most (by severity, an account's active
 * findings, one CVE across the fleet, a package family, a score band, recently seen, worst first,
 * and a member paging through its account). Values are drawn from the real findings the data was
 * made of, so every filter has matches. `perKind` requests of each kind (paging counts pages).
 */
export function requestMix(
  templates: readonly Finding[],
  fleet: Fleet,
  perKind: number,
  now: Date,
): ListRequest[] {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const vulns = [...new Set(templates.map((t) => t.packageVulnerabilityDetails?.vulnerabilityId ?? ''))];
  const pkgs = [
    ...new Set(templates.map((t) => t.packageVulnerabilityDetails?.vulnerablePackages[0]?.name ?? '')),
  ];
  const admin = fleet.orgAdminKey;
  const eq = (value: string): [{ comparison: 'EQUALS'; value: string }] => [{ comparison: 'EQUALS', value }];
  const makers: Array<() => ListRequest> = [
    () => ({ kind: 'severity=CRITICAL', key: admin, filter: { severity: eq('CRITICAL') } }),
    () => ({
      kind: 'accountId + findingStatus=ACTIVE',
      key: admin,
      filter: { accountId: eq(pick(fleet.accounts)), findingStatus: eq('ACTIVE') },
    }),
    () => ({ kind: 'vulnerabilityId EQUALS', key: admin, filter: { vulnerabilityId: eq(pick(vulns)) } }),
    () => {
      const name = pick(pkgs);
      const value = name.slice(0, Math.min(name.length, 3 + Math.floor(r() * 3)));
      return {
        kind: 'packageName PREFIX',
        key: admin,
        filter: { packageName: [{ comparison: 'PREFIX', value }] },
      };
    },
    () => {
      const lo = Math.round(r() * 80) / 10;
      return {
        kind: 'inspectorScore range',
        key: admin,
        filter: { inspectorScore: [{ lowerInclusive: lo, upperInclusive: Math.min(10, lo + 1 + r() * 2) }] },
      };
    },
    () => {
      const end = now.getTime() - Math.floor(r() * 60) * DAY;
      const start = end - (1 + Math.floor(r() * 14)) * DAY;
      return {
        kind: 'lastObservedAt range',
        key: admin,
        filter: {
          lastObservedAt: [
            { startInclusive: new Date(start).toISOString(), endInclusive: new Date(end).toISOString() },
          ],
        },
      };
    },
    () => ({
      kind: 'ACTIVE, sortBy inspectorScore DESC',
      key: admin,
      filter: { findingStatus: eq('ACTIVE') },
      sortBy: 'inspectorScore',
      sortOrder: 'DESC',
    }),
    () => ({
      kind: 'member key, severity=HIGH, 5 pages (nextToken)',
      key: pick(fleet.memberKeys),
      filter: { severity: eq('HIGH') },
      pages: 5,
    }),
  ];
  const out: ListRequest[] = [];
  for (const make of makers) {
    for (let n = 0; n < perKind;) {
      const req = make();
      out.push(req);
      n += req.pages ?? 1;
    }
  }
  // Interleaved (Fisher–Yates), so no kind runs on a cache warmed by its own previous request alone.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as ListRequest, out[i] as ListRequest];
  }
  return out;
}

async function timedGet(url: string, key?: string): Promise<{ ms: number; json: unknown }> {
  const init = key ? { headers: { authorization: `Bearer ${key}` } } : {};
  let t = process.hrtime.bigint();
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    // A kept-alive connection the server closed while the bench sat idle (an ANALYZE of a million
    // rows takes a minute): ECONNRESET on its reuse. Once, timed afresh; any other failure stands.
    if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw err;
    t = process.hrtime.bigint();
    res = await fetch(url, init);
  }
  const json: unknown = await res.json();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return { ms, json };
}

/** Runs the mix one request at a time (latency, not throughput) and collects ms per kind. */
export async function runMix(base: string, mix: readonly ListRequest[]): Promise<Latencies> {
  const out: Latencies = {};
  for (const req of mix) {
    let token: string | undefined;
    for (let page = 0; page < (req.pages ?? 1); page++) {
      const q = new URLSearchParams();
      if (req.filter) q.set('filter', JSON.stringify(req.filter));
      if (req.sortBy) q.set('sortBy', req.sortBy);
      if (req.sortOrder) q.set('sortOrder', req.sortOrder);
      if (token) q.set('nextToken', token);
      const { ms, json } = await timedGet(`${base}/v1/findings?${q.toString()}`, req.key);
      (out[req.kind] ??= []).push(ms);
      token = (json as { nextToken?: string }).nextToken;
      if (!token) break;
    }
  }
  return out;
}

/** GET /health `n` times: the floor of one HTTP round trip through this server in this process. */
export async function healthLatencies(base: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await timedGet(`${base}/health`)).ms);
  return out;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}
