import { describe, expect, it } from 'vitest';
import { newFindingId } from './finding-ids.js';

describe('newFindingId', () => {
  it('is 32 hex digits, strictly increasing in creation order, even thousands within a millisecond', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => newFindingId('acct', `identity-${i % 7}`));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts with the creation time in milliseconds, as a UUIDv7 does', () => {
    const before = Date.now();
    const id = newFindingId('acct', 'x');
    const ms = parseInt(id.slice(0, 12), 16);
    // The counter may have borrowed a few milliseconds ahead after the burst above; never behind.
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThan(Date.now() + 1000);
  });
});
