import { readFile } from 'node:fs/promises';
import { detectOs } from '../catalog/os/os-detector.js';
import { DirectoryResolver } from '../source/directory/directory-resolver.js';
import type { AgentContext } from './agent-context.js';
import type { Enrollment } from './agent-state.js';
import { hostAddresses } from './host-addresses.js';
import { enrollAnswerOf } from './server-answers.js';

/**
 * Trades the enrollment token for a host key (kept 0600 in the state dir). Returns false when it could
 * not: no token, token refused (ENROLL_TOKEN_INVALID: unknown, expired, used up or revoked), server
 * unreachable or a garbage answer. The caller backs off and tries again later; nothing here throws
 * for a server's sake.
 */
export async function enroll(ctx: AgentContext): Promise<boolean> {
  const { config, log, identity } = ctx;
  const token = await currentToken(ctx);
  if (!token) {
    log('error', 'enroll.no-token', {
      message: 'no enrollment token: pass --enroll-token-file, VIGIL_ENROLL_TOKEN or --enroll-token',
    });
    return false;
  }
  const os = await detectOs(new DirectoryResolver(config.root)).catch(() => undefined);
  const ipAddresses = hostAddresses(config.root);
  const body = JSON.stringify({
    token,
    machineId: identity.machineId,
    hostname: identity.hostname,
    agentVersion: config.agentVersion,
    ...(os ? { os } : {}),
    ...(ipAddresses ? { ipAddresses } : {}),
  });
  const out = await ctx.http.post('/v1/agent/enroll', body, ctx.signal);
  if (out.kind === 'unreachable') {
    log('warn', 'enroll.unreachable', { reason: out.reason });
    return false;
  }
  if (out.kind === 'refused') {
    log('error', 'enroll.refused', { status: out.status, code: out.code, message: out.message });
    return false;
  }
  const answer = enrollAnswerOf(out.body);
  if (!answer) {
    log('warn', 'enroll.bad-answer', { status: out.status });
    return false;
  }
  await ctx.state.write('hostKey', `${answer.hostKey}\n`);
  const enrollment: Enrollment = {
    resourceId: answer.resourceId ?? '',
    accountId: answer.accountId ?? '',
    server: config.server.origin,
    enrolledAt: new Date().toISOString(),
  };
  await ctx.state.write('enrollment', JSON.stringify(enrollment, null, 2));
  if (answer.checkinIntervalSeconds !== undefined) ctx.intervalMs = answer.checkinIntervalSeconds * 1000;
  log('info', 'enrolled', {
    resourceId: enrollment.resourceId,
    accountId: enrollment.accountId,
    machineId: identity.machineId,
    intervalSeconds: ctx.intervalMs / 1000,
  });
  return true;
}

/** The token file is read on every attempt (an operator may replace it); then the flag or env; then the kept copy. */
async function currentToken(ctx: AgentContext): Promise<string | undefined> {
  const { tokenFile, token } = ctx.config;
  if (tokenFile) {
    const text = await readFile(tokenFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      ctx.log('warn', 'enroll.token-file-unreadable', { path: tokenFile, reason: err.code ?? String(err) });
      return '';
    });
    if (text.trim()) return text.trim();
  }
  if (token) return token;
  return ctx.config.forgetToken ? undefined : ctx.state.readText('token');
}

/** Keeps the token given at start (0600) for re-enrollment after a revoked key, or forgets it. */
export async function keepOrForgetToken(ctx: AgentContext): Promise<void> {
  if (ctx.config.forgetToken) {
    await ctx.state.remove('token');
    return;
  }
  const given = ctx.config.tokenFile
    ? (await readFile(ctx.config.tokenFile, 'utf8').catch(() => '')).trim()
    : ctx.config.token;
  if (given) await ctx.state.write('token', `${given}\n`);
}
