import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';
import { UsageError } from '../core/errors/usage-error.js';

const gzipAsync = promisify(gzip);

export interface HttpSettings {
  server: URL;
  caFile?: string;
  proxy?: string;
  insecure: boolean;
  timeoutMs: number;
  /** Largest answer read (bytes); a longer one is cut off and treated as garbage. */
  maxAnswerBytes: number;
  userAgent: string;
}

/** What one request came to, from the agent's point of view. */
export type Outcome =
  /** 2xx. `body` is the parsed JSON, or undefined when the answer was not JSON (or too long). */
  | { kind: 'ok'; status: number; body: unknown }
  /** No answer worth acting on: network error, timeout, 5xx, 429. Retried with backoff. */
  | { kind: 'unreachable'; reason: string }
  /** 4xx: this request will not succeed as it is. */
  | { kind: 'refused'; status: number; code: string; message: string; nodeInvalid: boolean };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

/**
 * The agent's only way to the server: undici over one dispatcher (an Agent trusting --ca-file, or a
 * ProxyAgent for --proxy / HTTPS_PROXY / HTTP_PROXY), gzip request bodies, bounded answers, timeouts.
 */
export class AgentHttp {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly settings: HttpSettings) {
    checkScheme(settings.server, settings.insecure);
    this.dispatcher = dispatcherFor(settings);
  }

  async post(path: string, json: string, signal: AbortSignal, bearer?: string): Promise<Outcome> {
    const url = new URL(path.replace(/^\//, ''), withSlash(this.settings.server));
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        signal,
        headersTimeout: this.settings.timeoutMs,
        bodyTimeout: this.settings.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'user-agent': this.settings.userAgent,
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: await gzipAsync(json),
      });
    } catch (err) {
      if (signal.aborted) throw err;
      return { kind: 'unreachable', reason: describe(err) };
    }
    const text = await readBounded(res.body, this.settings.maxAnswerBytes).catch((err: unknown) => {
      if (signal.aborted) throw err;
      return undefined;
    });
    return outcomeOf(res.statusCode, text);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

function outcomeOf(status: number, text: string | undefined): Outcome {
  const body = parseJson(text);
  if (status >= 200 && status < 300) return { kind: 'ok', status, body };
  if (status >= 500 || status === 429 || status === 408 || status < 400)
    return { kind: 'unreachable', reason: `HTTP ${status}` };
  const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const details = typeof obj['details'] === 'object' && obj['details'] !== null ? obj['details'] : {};
  return {
    kind: 'refused',
    status,
    code: shortString(obj['code']) ?? `HTTP_${status}`,
    message: shortString(obj['message']) ?? '',
    nodeInvalid: (details as Record<string, unknown>)['nodeInvalid'] === true,
  };
}

/** Reads at most `max` bytes; a longer answer is abandoned (the socket destroyed) and counts as garbage. */
async function readBounded(body: Dispatcher.ResponseData['body'], max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > max) {
      body.destroy();
      return undefined;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function shortString(v: unknown): string | undefined {
  return typeof v === 'string' ? v.slice(0, 300) : undefined;
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code ?? e.message ?? String(err);
}

function withSlash(u: URL): URL {
  return u.pathname.endsWith('/') ? u : new URL(`${u.href}/`);
}

/** Plain HTTP leaks the host key to anyone on the path: only to this machine, or when asked with --insecure. */
function checkScheme(server: URL, insecure: boolean): void {
  if (server.protocol === 'https:') return;
  if (server.protocol !== 'http:')
    throw new UsageError(`--server must be an http(s) URL, got ${server.protocol}`);
  if (!LOOPBACK.test(server.hostname) && !insecure)
    throw new UsageError(
      `--server ${server.origin} is plain HTTP to another machine: use https:// (with --ca-file for a private CA) or pass --insecure`,
    );
}

function dispatcherFor(s: HttpSettings): Dispatcher {
  const tls = s.caFile ? { ca: readCa(s.caFile) } : {};
  if (s.proxy) {
    checkProxy(s.proxy);
    return new ProxyAgent({ uri: s.proxy, requestTls: tls, proxyTls: tls });
  }
  const env = process.env;
  const proxied = env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy'];
  if (proxied) return new EnvHttpProxyAgent({ connect: tls, requestTls: tls, proxyTls: tls });
  return new Agent({ connect: tls });
}

function checkProxy(proxy: string): void {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    throw new UsageError(`--proxy ${proxy} is not a URL (e.g. http://proxy.example:3128)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--proxy must be an http(s) URL, got ${url.protocol}`);
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--ca-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
