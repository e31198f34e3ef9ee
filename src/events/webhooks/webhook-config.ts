/** Delivery tunables of the webhook dispatcher (defaults in the service config). */
export interface WebhookConfig {
  /** Retries: first backoff and cap, in ms, and attempts before a delivery is FAILED. */
  webhookBackoffMs: number;
  webhookMaxBackoffMs: number;
  webhookMaxAttempts: number;
  /** Webhook POST timeout in ms. */
  webhookTimeoutMs: number;
  /**
   * Subscriptions delivered to at once. Each has at most one delivery in flight (its events arrive in
   * outbox order), so one slow receiver holds one of these and delays no other subscription.
   */
  webhookConcurrency: number;
}
