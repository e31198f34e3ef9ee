import type { FastifyRateLimitStore } from '@fastify/rate-limit';

interface Window {
  count: number;
  startMs: number;
}

export interface WindowCount {
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

/**
 * Fixed-window request counters in bounded memory. At capacity a new bucket evicts an old one, and the
 * order is what keeps a limit a limit: first a limited bucket whose window has passed, then the least
 * recently used bucket that is not limited, and a limited one only when every bucket is limited. (An
 * LRU alone let 6,000 requests with random keys push a limited key out, and it got 200 again.)
 */
export class WindowCounters {
  /** Buckets under their limit, least recently used first (a Map keeps insertion order). */
  readonly #open = new Map<string, Window>();
  /** Buckets over their limit, oldest first. */
  readonly #limited = new Map<string, Window>();

  constructor(
    readonly capacity: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#open.size + this.#limited.size;
  }

  /** Counts one request against `key`'s window and returns the count so far. */
  hit(key: string, windowMs: number, max: number): WindowCount {
    const now = this.clock();
    let w = this.#open.get(key) ?? this.#limited.get(key);
    this.#open.delete(key);
    this.#limited.delete(key);
    if (!w || w.startMs + windowMs <= now) {
      if (!w) this.#makeRoom(now, windowMs);
      w = { count: 0, startMs: now };
    }
    w.count++;
    // At its max a bucket is spent: the next request is refused (per key) or refused already (failures).
    (w.count >= max ? this.#limited : this.#open).set(key, w);
    return { current: w.count, ttl: w.startMs + windowMs - now };
  }

  /** The count of `key`'s current window, without counting anything. */
  peek(key: string, windowMs: number): WindowCount {
    const now = this.clock();
    const w = this.#open.get(key) ?? this.#limited.get(key);
    if (!w || w.startMs + windowMs <= now) return { current: 0, ttl: 0 };
    return { current: w.count, ttl: w.startMs + windowMs - now };
  }

  #makeRoom(now: number, windowMs: number): void {
    if (this.size < this.capacity) return;
    const oldestLimited = this.#limited.entries().next().value;
    if (oldestLimited && oldestLimited[1].startMs + windowMs <= now) {
      this.#limited.delete(oldestLimited[0]);
      return;
    }
    const victim = this.#open.keys().next().value ?? this.#limited.keys().next().value;
    if (victim !== undefined) {
      this.#open.delete(victim);
      this.#limited.delete(victim);
    }
  }
}

/** What @fastify/rate-limit calls; `read` backs its `{ increment: false }` peeks. */
interface RateStore extends FastifyRateLimitStore {
  read(key: string, cb: (err: Error | null, res: WindowCount) => void, timeWindow: number): void;
}

/**
 * A @fastify/rate-limit store over WindowCounters of `capacity` buckets; every limiter made with
 * `createRateLimit` gets its own counters (`child`).
 */
export function boundedRateStore(capacity: number): new () => RateStore {
  return class BoundedRateStore implements RateStore {
    readonly counters = new WindowCounters(capacity);
    incr(
      key: string,
      cb: (err: Error | null, res: WindowCount) => void,
      timeWindow: number,
      max: number,
    ): void {
      cb(null, this.counters.hit(key, timeWindow, max));
    }
    read(key: string, cb: (err: Error | null, res: WindowCount) => void, timeWindow: number): void {
      cb(null, this.counters.peek(key, timeWindow));
    }
    child(): RateStore {
      return new BoundedRateStore();
    }
  };
}
