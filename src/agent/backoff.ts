/**
 * Exponential backoff with jitter: the n-th consecutive failure waits a random time in [d/2, d] where
 * d = min(cap, base·2^n). The lower half-bound keeps a failing agent from ever spinning; the random
 * half spreads a fleet that lost its server at the same moment.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const d = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(d / 2 + this.random() * (d / 2));
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
