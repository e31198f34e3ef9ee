/**
 * The egress tunables, flat so that flags (`vigil server --egress-…`), environment variables and the
 * config file (issue 17) all fill the same fields of the service config.
 */
export interface EgressConfig {
  /** Exceptions to the deny list: addresses, CIDR ranges, host names (`*.corp.example`). */
  egressAllow: readonly string[];
  /** TCP connect plus TLS handshake (name resolution included). */
  egressConnectTimeoutMs: number;
  /** From the request sent to the last response header; a server that trickles headers still ends. */
  egressHeadersTimeoutMs: number;
  /** The longest silence between two pieces of a response body. */
  egressIdleTimeoutMs: number;
  /**
   * The slowest body vigil waits for, in bytes per second, measured over every `egressIdleTimeoutMs`
   * of waiting (as curl's --speed-limit/--speed-time): a byte a second never trips the idle timeout.
   */
  egressMinBytesPerSecond: number;
}

export type EgressTimeouts = Omit<EgressConfig, 'egressAllow'>;

export const DEFAULT_EGRESS_TIMEOUTS: EgressTimeouts = {
  egressConnectTimeoutMs: 10_000,
  egressHeadersTimeoutMs: 30_000,
  egressIdleTimeoutMs: 30_000,
  egressMinBytesPerSecond: 1024,
};

/** Nothing but public addresses until the operator says otherwise. */
export const DEFAULT_EGRESS_CONFIG: EgressConfig = { egressAllow: [], ...DEFAULT_EGRESS_TIMEOUTS };
