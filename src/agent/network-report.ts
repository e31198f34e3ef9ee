import { readFile } from 'node:fs/promises';
import { collectNetworkFacts } from '../network/collect/collect-network-facts.js';
import { networkFactsDigest } from '../network/network-facts-digest.js';
import type { AgentContext } from './agent-context.js';
import type { Outcome } from './agent-http.js';
import { checkinAnswerOf } from './server-answers.js';

/**
 * The network facts a check-in carries: collected once per cycle in the agent's own network
 * namespace (`--root` is only where packages are read), sent whole only when their digest differs
 * from the one the server last accepted (or the server asks), else as the digest alone, like the
 * inventory hash. Facts the server refuses (NETWORK_FACTS_TOO_LARGE, NETWORK_FACTS_INVALID) are
 * logged and not sent again until they change (AgentContext.network holds the state).
 */

const INSTANCE_ID = /^i-[0-9a-f]{8,32}$/;

/** Collects this cycle's facts; a failure is logged and the check-in goes on without them. */
export async function prepareNetworkReport(ctx: AgentContext): Promise<void> {
  if (!ctx.config.networkFacts) return;
  try {
    const instanceId = await instanceIdOf(ctx);
    const facts = await collectNetworkFacts(instanceId ? { instanceId } : {});
    const digest = networkFactsDigest(facts);
    const refused = ctx.network?.refused === true && ctx.network.digest === digest;
    const sent = (await ctx.state.readText('networkFactsSent'))?.trim();
    ctx.network = { digest, ...(refused ? { refused } : sent === digest ? {} : { facts }) };
  } catch (err) {
    delete ctx.network;
    ctx.log('warn', 'network-facts.failed', { message: err instanceof Error ? err.message : String(err) });
  }
}

async function instanceIdOf(ctx: AgentContext): Promise<string | undefined> {
  let id = ctx.config.instanceId;
  if (ctx.config.instanceIdFile)
    id = (await readFile(ctx.config.instanceIdFile, 'utf8').catch(() => '')).trim() || undefined;
  if (id !== undefined && !INSTANCE_ID.test(id)) {
    ctx.log('warn', 'instance-id.invalid', { value: id.slice(0, 64) });
    return undefined;
  }
  return id;
}

/** The fields of the next check-in body: the facts while unsent, else their digest. */
export function networkFields(ctx: AgentContext): Record<string, unknown> {
  const n = ctx.network;
  if (!n) return {};
  return n.facts ? { networkFacts: n.facts } : { networkFactsHash: n.digest };
}

/** After a check-in: facts accepted are remembered, refused ones not sent again, a request honoured. */
export async function networkOutcome(ctx: AgentContext, carried: boolean, out: Outcome): Promise<void> {
  const n = ctx.network;
  if (!n) return;
  if (out.kind === 'ok') {
    if (carried) {
      await ctx.state.write('networkFactsSent', n.digest);
      delete n.facts;
      ctx.log('info', 'network-facts.sent', { digest: n.digest });
    } else if (checkinAnswerOf(out.body).wantNetworkFacts && !n.refused) {
      // The server lost or never had them: the next cycle sends them whole.
      await ctx.state.remove('networkFactsSent');
    }
  } else if (carried && out.kind === 'refused' && out.code.startsWith('NETWORK_FACTS_')) {
    ctx.log('error', 'network-facts.refused', { status: out.status, code: out.code, message: out.message });
    delete n.facts;
    n.refused = true;
  }
}
