import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { AgentContext } from './agent-context.js';
import type { Outcome } from './agent-http.js';
import { enroll } from './agent-enrollment.js';
import type { InventoryMeta } from './agent-state.js';
import { hostAddresses } from './host-addresses.js';
import { cached, enqueueCached, refreshInventory } from './inventory-refresh.js';
import type { SpoolEntry } from './inventory-spool.js';
import { checkinAnswerOf } from './server-answers.js';
import { networkFields, networkOutcome, prepareNetworkReport } from './network-report.js';
import { collectAssessmentFacts } from './assessment-report.js';
import type { AssessmentRequest } from './server-answers.js';

const gunzipAsync = promisify(gunzip);
/** SHA-256 of nothing: the hash a heartbeat carries before any inventory could be built. */
const NO_INVENTORY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** How a cycle ended: `done` waits the interval, `retry` waits a backoff. */
export type CycleResult = 'done' | 'retry';

/**
 * One check-in cycle: enroll if there is no host key, refresh the inventory (cheap when the package
 * fingerprint did not move), send queued full inventories oldest first, one at a time, and otherwise
 * a heartbeat with the inventory hash. A `wantInventory` answer queues the cached inventory and sends
 * it in the same cycle.
 */
export async function checkinCycle(ctx: AgentContext): Promise<CycleResult> {
  if (!(await ctx.state.readText('hostKey')) && !(await enroll(ctx))) return 'retry';
  await refreshInventory(ctx);
  await prepareNetworkReport(ctx);
  const drained = await drainSpool(ctx);
  if (drained !== 'empty') return drained;
  const meta = await cached(ctx);
  const out = await sendCheckin(ctx, heartbeatBody(ctx, meta), 'heartbeat');
  if (out.kind !== 'ok') return 'retry';
  const answer = checkinAnswerOf(out.body);
  if (answer.assessmentRequest) await sendAssessmentFacts(ctx, meta, answer.assessmentRequest);
  if (answer.wantInventory && meta) {
    await enqueueCached(ctx, meta);
    const again = await drainSpool(ctx);
    return again === 'retry' ? 'retry' : 'done';
  }
  return 'done';
}

/**
 * A CIS scan asked for assessment facts: they go at once, in one more heartbeat. A refusal is logged
 * and not retried in this cycle; the server asks again at the next check-in while its scan waits.
 */
async function sendAssessmentFacts(
  ctx: AgentContext,
  meta: InventoryMeta | undefined,
  request: AssessmentRequest,
): Promise<void> {
  const facts = await collectAssessmentFacts(ctx, request);
  if (!facts) return;
  const body = JSON.stringify({
    ...common(ctx),
    inventoryHash: meta?.hash ?? NO_INVENTORY_HASH,
    assessmentFacts: facts,
  });
  const out = await postCheckin(ctx, body);
  if (out.kind === 'ok') ctx.log('info', 'assessment-facts.sent', { status: out.status });
  else if (out.kind === 'refused')
    ctx.log('error', 'assessment-facts.refused', {
      status: out.status,
      code: out.code,
      message: out.message,
    });
  else ctx.log('warn', 'assessment-facts.unreachable', { reason: out.reason });
}

/** Sends every queued inventory, oldest first; `empty` when there was nothing to send. */
async function drainSpool(ctx: AgentContext): Promise<CycleResult | 'empty'> {
  const entries = await ctx.spool.entries();
  if (entries.length === 0) return 'empty';
  for (const entry of entries) {
    const body = await fullBody(ctx, entry);
    if (body === undefined) continue;
    const out = await sendCheckin(ctx, body, 'full');
    if (out.kind === 'unreachable') return 'retry';
    if (out.kind === 'refused') {
      if (!droppable(out)) return 'retry';
      // The server will never take this body (too large, invalid): report why instead of resending it.
      ctx.inventoryError = { code: out.code, message: out.message || `HTTP ${out.status}` };
      ctx.log('error', 'inventory.refused', { status: out.status, code: out.code, entry: entry.name });
      await ctx.spool.remove(entry);
      continue;
    }
    await ctx.spool.remove(entry);
    await markFullSent(ctx);
  }
  return 'done';
}

/** 400/413/422 are about the body; a skewed clock (CLOCK_SKEW) or an auth problem is not the inventory's fault. */
function droppable(out: Extract<Outcome, { kind: 'refused' }>): boolean {
  return (out.status === 400 || out.status === 413 || out.status === 422) && out.code !== 'CLOCK_SKEW';
}

async function fullBody(ctx: AgentContext, entry: SpoolEntry): Promise<string | undefined> {
  let inventoryJson: string;
  try {
    inventoryJson = (await gunzipAsync(await ctx.spool.read(entry))).toString('utf8');
    JSON.parse(inventoryJson);
  } catch (err) {
    ctx.log('error', 'spool.corrupt', { entry: entry.name, reason: (err as Error).message });
    await ctx.spool.remove(entry);
    return undefined;
  }
  const head = JSON.stringify({ ...common(ctx), inventoryHash: entry.hash });
  // Spliced, not re-serialized: the inventory is sent byte for byte as it was hashed and spooled.
  return `${head.slice(0, -1)},"inventory":${inventoryJson}}`;
}

/** What every check-in carries; addresses only for the live host (they may change between check-ins). */
function common(ctx: AgentContext): Record<string, unknown> {
  const ipAddresses = hostAddresses(ctx.config.root);
  return {
    agentVersion: ctx.config.agentVersion,
    sentAt: new Date().toISOString(),
    ...(ipAddresses ? { ipAddresses } : {}),
  };
}

/** Network facts ride on heartbeats only: a refusal of them never costs a spooled inventory. */
function heartbeatBody(ctx: AgentContext, meta: InventoryMeta | undefined): string {
  return JSON.stringify({
    ...common(ctx),
    ...networkFields(ctx),
    inventoryHash: meta?.hash ?? NO_INVENTORY_HASH,
    ...(ctx.inventoryError ? { inventoryError: ctx.inventoryError } : {}),
  });
}

/**
 * POST /v1/agent/checkin with the host key. On 401 HOST_KEY_INVALID (`nodeInvalid`) the key is
 * dropped and the agent re-enrolls with its token, then sends once more; if that fails the cycle
 * backs off (the token may be revoked too: the agent keeps logging and trying, slowly).
 */
async function sendCheckin(ctx: AgentContext, body: string, kind: 'full' | 'heartbeat'): Promise<Outcome> {
  const carriesFacts = kind === 'heartbeat' && ctx.network?.facts !== undefined;
  let out = await postCheckin(ctx, body);
  if (out.kind === 'refused' && (out.nodeInvalid || out.code === 'HOST_KEY_INVALID')) {
    ctx.log('warn', 'host-key.invalid', { status: out.status, code: out.code, message: out.message });
    await ctx.state.remove('hostKey');
    if (!(await enroll(ctx))) return { kind: 'unreachable', reason: 're-enrollment failed' };
    out = await postCheckin(ctx, body);
  }
  if (out.kind === 'ok') {
    const answer = checkinAnswerOf(out.body);
    if (answer.checkinIntervalSeconds !== undefined) ctx.intervalMs = answer.checkinIntervalSeconds * 1000;
    if (kind === 'heartbeat' && ctx.inventoryError) delete ctx.inventoryError;
  }
  logOutcome(ctx, kind, out);
  if (kind === 'heartbeat') await networkOutcome(ctx, carriesFacts, out);
  return out;
}

async function postCheckin(ctx: AgentContext, body: string): Promise<Outcome> {
  const key = await ctx.state.readText('hostKey');
  if (!key) return { kind: 'unreachable', reason: 'not enrolled' };
  return ctx.http.post('/v1/agent/checkin', body, ctx.signal, key);
}

function logOutcome(ctx: AgentContext, kind: 'full' | 'heartbeat', out: Outcome): void {
  if (out.kind === 'ok') {
    const answer = checkinAnswerOf(out.body);
    ctx.log('info', 'checkin', {
      kind,
      status: out.status,
      wantInventory: answer.wantInventory,
      intervalSeconds: ctx.intervalMs / 1000,
      ...(out.body === undefined ? { answer: 'unreadable' } : {}),
    });
  } else if (out.kind === 'unreachable') ctx.log('warn', 'checkin.unreachable', { kind, reason: out.reason });
  else
    ctx.log('error', 'checkin.refused', { kind, status: out.status, code: out.code, message: out.message });
}

async function markFullSent(ctx: AgentContext): Promise<void> {
  const meta = await cached(ctx);
  if (meta)
    await ctx.state.write(
      'inventoryMeta',
      JSON.stringify({ ...meta, lastFullSentAt: new Date().toISOString() }),
    );
}
