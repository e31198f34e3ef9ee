import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** One prepared request: the host key and the body exactly as the agent sends it (gzip). */
export interface PreparedCheckin {
  key: string;
  body: Uint8Array;
}

export interface LoadSpec {
  base: string;
  path: string;
  requests: readonly PreparedCheckin[];
  /** How many times the list is sent (round robin). */
  rounds: number;
  concurrency: number;
  /** GET instead of POST (the /health baseline); bodies are then ignored. */
  method?: 'GET' | 'POST';
  /** A 503 is sent again after its Retry-After, as the agent does (latency: from the first send). */
  retryBusy?: boolean;
}

export interface LoadResult {
  sent: number;
  wallMs: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  /** When each request was answered (its last answer), from the start of the load. */
  doneAtMs: number[];
  /** 503 answers that were sent again (retryBusy). */
  retried: number;
}

/**
 * Drives check-ins (or GET /health) from a child process over keep-alive connections, so the load
 * generator shares neither the server's event loop nor its core's thread: the figure is the server's.
 * (A worker thread would not do: tsx's loader hooks do not reach workers on Node 20.)
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [LOAD_ARG], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: LoadResult | undefined;
    child.once('message', (r: LoadResult) => (result = r));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`load process exited with ${code}`));
    });
    child.send(spec);
  });
}

const LOAD_ARG = '--vigil-checkin-load';

async function load(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const total = spec.requests.length * spec.rounds;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const doneAt: number[] = [];
  let retried = 0;
  let next = 0;
  const t0 = performance.now();
  const send = (r: PreparedCheckin): Promise<{ status: number; retryAfterS: number }> =>
    new Promise((done, fail) => {
      const post = spec.method !== 'GET';
      const req = request(
        new URL(spec.path, spec.base),
        {
          agent,
          method: spec.method ?? 'POST',
          headers: post
            ? {
                authorization: `Bearer ${r.key}`,
                'content-type': 'application/json',
                'content-encoding': 'gzip',
                'content-length': String(r.body.byteLength),
              }
            : {},
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            done({ status: res.statusCode ?? 0, retryAfterS: Number(res.headers['retry-after'] ?? 5) }),
          );
        },
      );
      req.on('error', fail);
      req.end(post ? r.body : undefined);
    });
  const one = async (i: number): Promise<void> => {
    const r = spec.requests[i % spec.requests.length] as PreparedCheckin;
    const started = performance.now();
    let answer = await send(r);
    while (spec.retryBusy && answer.status === 503) {
      retried++;
      await new Promise((w) => setTimeout(w, answer.retryAfterS * 1000));
      answer = await send(r);
    }
    statuses[String(answer.status)] = (statuses[String(answer.status)] ?? 0) + 1;
    latencies.push(performance.now() - started);
    doneAt.push(performance.now() - t0);
  };
  await Promise.all(
    Array.from({ length: Math.min(spec.concurrency, total) }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const wallMs = performance.now() - t0;
  agent.destroy();
  return { sent: total, wallMs, statuses, latenciesMs: latencies, doneAtMs: doneAt, retried };
}

if (process.argv.includes(LOAD_ARG) && process.send) {
  process.once('message', (spec: LoadSpec) => {
    void load(spec).then((r) => process.send?.(r, () => process.disconnect()));
  });
}
