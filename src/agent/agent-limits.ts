/**
 * The agent's small constants, apart from the modules that use them: `vigil agent --help` shows the
 * defaults, and must not load the spool's crypto or the child-process code to do it.
 */
export interface SpoolLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_SPOOL_LIMITS: SpoolLimits = { maxEntries: 16, maxBytes: 64 * 1024 * 1024 };

/** Set in the child's environment: run one inventory and exit instead of the agent loop. */
export const INVENTORY_CHILD_ENV = 'VIGIL_AGENT_INVENTORY_CHILD';
