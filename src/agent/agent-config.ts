import { UsageError } from '../core/errors/usage-error.js';
import type { SelfCommand } from './inventory-child.js';
import { DEFAULT_SPOOL_LIMITS, type SpoolLimits } from './agent-limits.js';

/** Everything `vigil agent` runs with; the CLI fills it from flags, files and the environment. */
export interface AgentConfig {
  server: URL;
  root: string;
  stateDir: string;
  /** Check-in interval until the server sets one. */
  intervalMs: number;
  /** Longest wait between retries when the server is down or refuses. */
  maxBackoffMs: number;
  /** Per-request limit for the server's headers and body. */
  timeoutMs: number;
  /** A full inventory is sent at least this often even when nothing changed. */
  fullInventoryEveryMs: number;
  token?: string;
  /** Read on every enrollment attempt, so an operator can drop a new token in without a restart. */
  tokenFile?: string;
  /** Do not keep the token in the state dir (then a revoked key needs a new token to recover). */
  forgetToken: boolean;
  caFile?: string;
  proxy?: string;
  insecure: boolean;
  agentVersion: string;
  spool: SpoolLimits;
  maxAnswerBytes: number;
  /** Stop after the first completed check-in cycle (for measuring and for cron-style use). */
  once: boolean;
  /** How to start this program again for an inventory child process. */
  self: SelfCommand;
  /** Collect and send the network facts of the agent's own network namespace (`--no-network-facts`). */
  networkFacts: boolean;
  /** The host's cloud instance id, told by flag; never asked of a metadata service. */
  instanceId?: string;
  /** A file holding it (read at every collection, so it may appear after start). */
  instanceIdFile?: string;
}

export const AGENT_DEFAULTS = {
  root: '/',
  stateDir: '/var/lib/vigil-agent',
  interval: '30m',
  maxBackoff: '10m',
  timeout: '60s',
  fullInventoryEveryMs: 24 * 3600 * 1000,
  spool: DEFAULT_SPOOL_LIMITS,
  maxAnswerBytes: 1024 * 1024,
} as const;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2s`, `1.5h`, `500ms`, `1d`; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000) : NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > 7 * 86_400_000)
    throw new UsageError(`${flag} expects a duration like 30m, 90s or 1h (at most 7d), got "${text}"`);
  return Math.round(ms);
}

export function parseServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server expects a URL like https://vigil.example:8080, got "${text}"`);
  }
  if (url.username || url.password) throw new UsageError('--server must not carry credentials');
  return url;
}
