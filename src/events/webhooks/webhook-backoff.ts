import type { WebhookConfig } from './webhook-config.js';

/**
 * Delay before the next attempt after `attempts` failed ones: backoff·2^(attempts−1), capped, with
 * "equal jitter" (half fixed, half random) so receivers coming back up are not hit by every sender
 * at the same instant, while the delay still grows.
 */
export function retryDelayMs(
  config: Pick<WebhookConfig, 'webhookBackoffMs' | 'webhookMaxBackoffMs'>,
  attempts: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(config.webhookBackoffMs * 2 ** Math.max(0, attempts - 1), config.webhookMaxBackoffMs);
  return Math.round(exp / 2 + (random() * exp) / 2);
}
