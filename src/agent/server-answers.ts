import { BENCHMARKS } from '../checks/benchmarks/benchmark-registry.js';
import { CHECK_PROFILES, type CheckProfile } from '../checks/model/check-model.js';

/** The parts of the server's answers the agent acts on, checked field by field: a bad field is dropped, never trusted. */

export interface EnrollAnswer {
  hostKey: string;
  resourceId?: string;
  accountId?: string;
  checkinIntervalSeconds?: number;
}

export interface CheckinAnswer {
  checkinIntervalSeconds?: number;
  wantInventory: boolean;
  /** The server holds other network facts than the agent's digest: send them. */
  wantNetworkFacts: boolean;
  /** A CIS scan waits for this host: the facts of this benchmark, level and profile are wanted. */
  assessmentRequest?: AssessmentRequest;
}

export interface AssessmentRequest {
  benchmark: string;
  level: 1 | 2;
  profile: CheckProfile;
  /** Further benchmarks (same level and profile) whose facts go in the same document. */
  alsoBenchmarks?: string[];
}

/** Header-safe, bounded: a key goes into `Authorization` on every request. */
const KEY = /^[\x21-\x7e]{8,1024}$/;
/** The interval the agent accepts from a server: never a spin, never a silence of more than a day. */
export const INTERVAL_BOUNDS = { min: 1, max: 24 * 3600 };

export function enrollAnswerOf(body: unknown): EnrollAnswer | undefined {
  const o = objectOf(body);
  const hostKey = o?.['hostKey'];
  if (typeof hostKey !== 'string' || !KEY.test(hostKey)) return undefined;
  const out: EnrollAnswer = { hostKey };
  const resourceId = idOf(o?.['resourceId']);
  const accountId = idOf(o?.['accountId']);
  const interval = intervalOf(o?.['checkinIntervalSeconds']);
  if (resourceId) out.resourceId = resourceId;
  if (accountId) out.accountId = accountId;
  if (interval !== undefined) out.checkinIntervalSeconds = interval;
  return out;
}

/** A 2xx check-in answer; garbage yields "no new interval, no inventory wanted". */
export function checkinAnswerOf(body: unknown): CheckinAnswer {
  const o = objectOf(body);
  const interval = intervalOf(o?.['checkinIntervalSeconds']);
  return {
    wantInventory: o?.['wantInventory'] === true,
    wantNetworkFacts: o?.['wantNetworkFacts'] === true,
    ...(interval !== undefined ? { checkinIntervalSeconds: interval } : {}),
    ...assessmentRequestOf(o?.['assessmentRequest']),
  };
}

/** Only a benchmark this agent has, a level of 1 or 2 and a known profile: anything else asks nothing. */
function assessmentRequestOf(v: unknown): { assessmentRequest?: AssessmentRequest } {
  const o = objectOf(v);
  const benchmark = o?.['benchmark'];
  const level = o?.['level'];
  const profile = o?.['profile'];
  if (typeof benchmark !== 'string' || !BENCHMARKS.some((b) => b.id === benchmark)) return {};
  if (level !== 1 && level !== 2) return {};
  if (!CHECK_PROFILES.includes(profile as CheckProfile)) return {};
  const known = (b: unknown): b is string => typeof b === 'string' && BENCHMARKS.some((x) => x.id === b);
  const also = Array.isArray(o?.['alsoBenchmarks']) ? (o['alsoBenchmarks'] as unknown[]).filter(known) : [];
  return {
    assessmentRequest: {
      benchmark,
      level,
      profile: profile as CheckProfile,
      ...(also.length ? { alsoBenchmarks: also } : {}),
    },
  };
}

function objectOf(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function idOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined;
}

function intervalOf(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return Math.min(INTERVAL_BOUNDS.max, Math.max(INTERVAL_BOUNDS.min, v));
}
