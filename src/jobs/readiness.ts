import { pingServiceDb } from '../store/db-ping.js';
import type { ServiceContext } from './service-context.js';

/** One dependency a process needs to do its work (the database, the job queue). */
export interface ReadinessCheck {
  /** Named in the /ready body: `database`, `queue`. */
  name: string;
  /** Resolves when the dependency answers; throws (or is cut off by the timeout) when it does not. */
  check(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  /** Each check's state; no error text, so /ready tells nothing about the deployment but up or down. */
  checks: Record<string, 'up' | 'down'>;
}

/** The service DB answers a query. */
export function databaseCheck(ctx: Pick<ServiceContext, 'db'>): ReadinessCheck {
  return { name: 'database', check: () => pingServiceDb(ctx.db) };
}

/** Runs every check at once, each cut off after `timeoutMs` (a hung database must not hang the probe). */
export async function readinessOf(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<Readiness> {
  const states = await Promise.all(checks.map((c) => upWithin(c, timeoutMs)));
  const out: Readiness = { ready: states.every(Boolean), checks: {} };
  checks.forEach((c, i) => (out.checks[c.name] = states[i] ? 'up' : 'down'));
  return out;
}

async function upWithin(c: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([c.check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
