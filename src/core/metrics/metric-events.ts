import { subscribe, unsubscribe, channel } from 'node:diagnostics_channel';

/**
 * What the service's counters count, published where it happens on Node's diagnostics channels, so
 * code at any layer reports an outcome with one call and no metrics object passed down to it. A
 * publish with no subscriber costs one boolean test; the server's metrics (src/server/metrics)
 * subscribe only when `/metrics` is on. Counts only: no account, resource or key ever travels here.
 */
export interface MetricEvents {
  /** A scan reached its end: written (succeeded) or marked FAILED. `kind`: image, inventory, host. */
  scanFinished: { kind: string; outcome: 'succeeded' | 'failed' };
  /** A webhook delivery attempt failed; `final` when it was the last one (the delivery is FAILED). */
  webhookAttemptFailed: { final: boolean };
  /** A re-match after a vulnerability DB import finished (keys: only inventories holding changed keys). */
  rematchFinished: { mode: 'keys' | 'full'; seconds: number };
}

export type MetricEventName = keyof MetricEvents;

const NAMES: { readonly [K in MetricEventName]: string } = {
  scanFinished: 'vigil:metrics:scan-finished',
  webhookAttemptFailed: 'vigil:metrics:webhook-attempt-failed',
  rematchFinished: 'vigil:metrics:rematch-finished',
};

// Held here so the channels (and their subscriber lists) live as long as the process.
const CHANNELS = Object.fromEntries(Object.entries(NAMES).map(([k, name]) => [k, channel(name)])) as {
  readonly [K in MetricEventName]: ReturnType<typeof channel>;
};

/** Reports one occurrence; nothing happens when no one listens. */
export function publishMetric<K extends MetricEventName>(name: K, event: MetricEvents[K]): void {
  const ch = CHANNELS[name];
  if (ch.hasSubscribers) ch.publish(event);
}

export type MetricHandlers = { [K in MetricEventName]: (event: MetricEvents[K]) => void };

/** Listens to every metric event; the returned function stops listening. */
export function subscribeMetrics(handlers: MetricHandlers): () => void {
  const listeners = (Object.keys(NAMES) as MetricEventName[]).map((k) => {
    const listener = (message: unknown): void => handlers[k](message as never);
    subscribe(NAMES[k], listener);
    return () => unsubscribe(NAMES[k], listener);
  });
  return () => {
    for (const stop of listeners) stop();
  };
}
