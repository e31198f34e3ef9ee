import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import type { AgentConfig } from './agent-config.js';
import type { AgentContext } from './agent-context.js';
import { keepOrForgetToken } from './agent-enrollment.js';
import { AgentHttp } from './agent-http.js';
import type { AgentLog } from './agent-log.js';
import { AgentState } from './agent-state.js';
import { Backoff } from './backoff.js';
import { checkinCycle, type CycleResult } from './checkin-cycle.js';
import { InventorySpool } from './inventory-spool.js';
import { machineIdentity } from './machine-identity.js';

/** First retry after a failure; doubles up to --max-backoff. */
const BACKOFF_BASE_MS = 1000;

/**
 * `vigil agent`: enroll once, then check in every interval until the signal aborts. Nothing the server
 * does ends the loop: an unreachable, failing, refusing or garbage-answering server only makes the agent
 * wait longer (exponential backoff with jitter, capped). Returns whether the last cycle succeeded.
 */
export async function runAgent(config: AgentConfig, log: AgentLog, signal: AbortSignal): Promise<boolean> {
  // undici parses HTTP with a WebAssembly llhttp; V8's optimizing tier for it costs 10-20 MiB of RSS
  // for nothing at one request per interval. Set before the first request compiles the module.
  setFlagsFromString('--liftoff-only');
  const state = await AgentState.open(config.stateDir);
  const http = new AgentHttp({
    server: config.server,
    insecure: config.insecure,
    timeoutMs: config.timeoutMs,
    maxAnswerBytes: config.maxAnswerBytes,
    userAgent: `vigil-agent/${config.agentVersion}`,
    ...(config.caFile ? { caFile: config.caFile } : {}),
    ...(config.proxy ? { proxy: config.proxy } : {}),
  });
  const ctx: AgentContext = {
    config,
    state,
    spool: new InventorySpool(state.spoolDir, config.spool),
    http,
    log,
    identity: await machineIdentity(config.root, state),
    signal,
    intervalMs: config.intervalMs,
  };
  await keepOrForgetToken(ctx);
  log('info', 'agent.start', {
    server: config.server.origin,
    root: config.root,
    stateDir: config.stateDir,
    machineId: ctx.identity.machineId,
    machineIdSource: ctx.identity.machineIdSource,
    hostname: ctx.identity.hostname,
    intervalSeconds: config.intervalMs / 1000,
  });
  try {
    return await loop(ctx);
  } finally {
    await http.close().catch(() => undefined);
    log('info', 'agent.stop', { reason: signal.aborted ? 'signal' : 'once' });
  }
}

async function loop(ctx: AgentContext): Promise<boolean> {
  const backoff = new Backoff(BACKOFF_BASE_MS, ctx.config.maxBackoffMs);
  let last: CycleResult = 'retry';
  while (!ctx.signal.aborted) {
    last = await guardedCycle(ctx);
    if (ctx.signal.aborted || ctx.config.once) break;
    const wait = last === 'done' ? ctx.intervalMs : backoff.next();
    if (last === 'done') backoff.reset();
    else ctx.log('info', 'backoff', { waitMs: wait, attempt: backoff.attempts });
    await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  return last === 'done';
}

/** A cycle that throws (a full disk, an unreadable root) is logged and retried later, never fatal. */
async function guardedCycle(ctx: AgentContext): Promise<CycleResult> {
  try {
    return await checkinCycle(ctx);
  } catch (err) {
    if (!ctx.signal.aborted) {
      ctx.log('error', 'cycle.failed', { message: err instanceof Error ? err.message : String(err) });
    }
    return 'retry';
  }
}
