/** Delivery tunables of the webhook dispatcher (defaults in the service config). */
export interface WebhookConfig {
  /** Retries: first backoff and cap, in ms, and attempts before a delivery is FAILED. */
  webhookBackoffMs: number;
  webhookMaxBackoffMs: number;
  webhookMaxAttempts: number;
  /** Webhook POST timeout in ms. */
  webhookTimeoutMs: number;
}
