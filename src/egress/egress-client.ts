import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { VigilError } from '../core/errors/vigil-error.js';
import { ipLiteral } from './egress-address.js';
import type { EgressAllowList } from './egress-allow-list.js';
import { guardedBody } from './egress-body.js';
import { DEFAULT_EGRESS_TIMEOUTS, type EgressTimeouts } from './egress-config.js';
import { resolveChecked, systemLookup, type EgressLookup, type EgressPolicy } from './egress-resolve.js';
import { EgressTimeoutError } from './egress-timeout-error.js';
import { EgressUnreachableError } from './egress-unreachable-error.js';

export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The caller's own deadline or stop: an abort is rethrown as is, for the caller to tell. */
  signal?: AbortSignal;
}

/**
 * THE way vigil makes an outbound HTTP call. One exchange per `fetch`, redirects never followed (a
 * 3xx comes back as is): a caller that follows one calls `fetch` again, so every hop is checked.
 * Errors are typed: EGRESS_DENIED (refused before connecting), EGRESS_TIMEOUT, EGRESS_UNREACHABLE.
 */
export interface Egress {
  /** True when the deny list applies (the server); false for the CLI, which goes where its user says. */
  readonly guarded: boolean;
  fetch(url: string | URL, init?: EgressRequest): Promise<Response>;
  /** The policy's verdict on a URL's host now, without connecting (validation at create time). */
  check(url: string | URL): Promise<void>;
  close(): Promise<void>;
}

export interface GuardedEgressOptions {
  allow: EgressAllowList;
  /** Default the system resolver. */
  lookup?: EgressLookup;
  timeouts?: EgressTimeouts;
}

/**
 * The server's egress: every connection resolves its host through the policy, inside the socket's own
 * `lookup`, so the address that was checked is the address connected to: a DNS answer that changes
 * between a check and a connect (rebinding) cannot win, because there is no second resolution. IP
 * literals skip the socket's lookup, so they are checked before the request starts.
 */
export function createGuardedEgress(opts: GuardedEgressOptions): Egress {
  const policy: EgressPolicy = { allow: opts.allow, lookup: opts.lookup ?? systemLookup };
  const timeouts = opts.timeouts ?? DEFAULT_EGRESS_TIMEOUTS;
  const agent = agentFor(timeouts, pinnedLookup(policy));
  return {
    guarded: true,
    async fetch(input, init = {}) {
      const url = httpUrl(input);
      if (ipLiteral(url.hostname)) await resolveChecked(url.hostname, policy);
      return exchange(agent, url, init, timeouts, true);
    },
    async check(input) {
      const host = httpUrl(input).hostname;
      await withDeadline(resolveChecked(host, policy), timeouts.egressConnectTimeoutMs, host);
    },
    close: () => agent.close(),
  };
}

/** The CLI's egress: the same timeouts and typed errors, no deny list, the system resolver. */
export function createOpenEgress(timeouts: EgressTimeouts = DEFAULT_EGRESS_TIMEOUTS): Egress {
  const agent = agentFor(timeouts);
  return {
    guarded: false,
    fetch: (input, init = {}) => exchange(agent, httpUrl(input), init, timeouts, false),
    check: (input) => {
      httpUrl(input);
      return Promise.resolve();
    },
    close: () => agent.close(),
  };
}

/**
 * A check made in a request's path must not wait on a resolver without end. A name that does not
 * resolve in time reads as unreachable now (a connection later resolves and checks it again); the
 * system lookup itself cannot be cancelled and finishes in the background.
 */
async function withDeadline<T>(work: Promise<T>, ms: number, host: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EgressUnreachableError(host)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

let shared: Egress | undefined;

/** One open egress per process for callers that were given none (the CLI's image commands). */
export function defaultOpenEgress(): Egress {
  shared ??= createOpenEgress();
  return shared;
}

function agentFor(t: EgressTimeouts, lookup?: LookupFunction): Agent {
  return new Agent({
    connect: { timeout: t.egressConnectTimeoutMs, ...(lookup ? { lookup } : {}) },
    headersTimeout: t.egressHeadersTimeoutMs,
    bodyTimeout: t.egressIdleTimeoutMs,
  });
}

/** net's lookup hook, answered from the policy: only checked addresses ever reach connect(). */
function pinnedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, policy).then(
      (all) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? all.filter((a) => a.family === family) : all;
        const first = usable[0];
        if (!first) callback(new EgressUnreachableError(hostname), '', 0);
        else if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}

function httpUrl(input: string | URL): URL {
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EgressUnreachableError(url.protocol, 'only http and https are used');
  return url;
}

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

async function exchange(
  agent: Agent,
  url: URL,
  init: EgressRequest,
  t: EgressTimeouts,
  guarded: boolean,
): Promise<Response> {
  const host = url.hostname;
  const mapError = (err: unknown): unknown => typed(err, host, t, guarded, init.signal);
  let res: Awaited<ReturnType<typeof undiciFetch>>;
  try {
    res = await undiciFetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      dispatcher: agent,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (err) {
    throw mapError(err);
  }
  if (res.status < 200 || res.status > 599) {
    await res.body?.cancel();
    throw new EgressUnreachableError(host, guarded ? undefined : `status ${res.status}`);
  }
  const headers = new Headers();
  res.headers.forEach((value, name) => headers.append(name, value));
  const source = res.body as ReadableStream<Uint8Array> | null;
  const body =
    source && !NULL_BODY.has(res.status)
      ? guardedBody(source, {
          host,
          windowMs: t.egressIdleTimeoutMs,
          minBytesPerSecond: t.egressMinBytesPerSecond,
          mapError,
        })
      : null;
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

/** undici's errors (fetch wraps them as `cause`) as ours; the policy's own errors pass through. */
function typed(
  err: unknown,
  host: string,
  t: EgressTimeouts,
  guarded: boolean,
  signal?: AbortSignal,
): unknown {
  if (signal?.aborted) return err;
  if (err instanceof VigilError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof VigilError) return cause;
  const code = codeOf(cause) ?? codeOf(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT')
    return new EgressTimeoutError(host, 'connect', t.egressConnectTimeoutMs);
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return new EgressTimeoutError(host, 'headers', t.egressHeadersTimeoutMs);
  if (code === 'UND_ERR_BODY_TIMEOUT') return new EgressTimeoutError(host, 'idle', t.egressIdleTimeoutMs);
  // Under the server's policy the reason stays out: a refused port and a reset one read the same.
  return new EgressUnreachableError(host, guarded ? undefined : (code ?? messageOf(cause ?? err)));
}

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}
