import type { AgentConfig } from './agent-config.js';
import type { AgentHttp } from './agent-http.js';
import type { AgentLog } from './agent-log.js';
import type { AgentState } from './agent-state.js';
import type { InventorySpool } from './inventory-spool.js';
import type { MachineIdentity } from './machine-identity.js';
import type { NetworkFacts } from '../network/network-facts.js';

/** This cycle's network facts and what the server has of them (network-report.ts uses it). */
export interface NetworkReport {
  digest: string;
  /** Set while the facts still have to reach the server. */
  facts?: NetworkFacts;
  /** The facts of this digest were refused: only the digest travels. */
  refused?: boolean;
}

/** What one running agent holds; passed to each step of a check-in cycle. */
export interface AgentContext {
  config: AgentConfig;
  state: AgentState;
  spool: InventorySpool;
  http: AgentHttp;
  log: AgentLog;
  identity: MachineIdentity;
  signal: AbortSignal;
  /** The interval now in force: --interval until the server sets one. */
  intervalMs: number;
  /** Why the last inventory could not be built or was refused; reported once in the next heartbeat. */
  inventoryError?: { code: string; message: string };
  /** After a failed inventory: no new attempt on the same fingerprint before `notBefore` (no spinning). */
  inventoryRetry?: { fingerprint: string; notBefore: number; failures: number };
  /** This cycle's network facts and what the server has of them (network-report.ts). */
  network?: NetworkReport;
}
