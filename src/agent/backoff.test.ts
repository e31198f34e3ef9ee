import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the base to the cap, each wait in [d/2, d]', () => {
    const low = new Backoff(1000, 8000, () => 0);
    const high = new Backoff(1000, 8000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect([1, 2, 3, 4, 5, 6].map(() => high.next())).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('starts over after a success', () => {
    const b = new Backoff(1000, 60_000, () => 0.5);
    b.next();
    b.next();
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(750);
  });

  it('never overflows after very many failures', () => {
    const b = new Backoff(1000, 600_000, () => 1);
    for (let i = 0; i < 10_000; i++) b.next();
    expect(b.next()).toBe(600_000);
  });
});
