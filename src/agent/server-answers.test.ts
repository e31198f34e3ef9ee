import { describe, expect, it } from 'vitest';
import { checkinAnswerOf, enrollAnswerOf } from './server-answers.js';

describe('server answers', () => {
  it('takes a well-formed enrollment answer', () => {
    expect(
      enrollAnswerOf({
        hostKey: 'vh_abcdefgh123',
        resourceId: 'host:1',
        accountId: 'a',
        checkinIntervalSeconds: 60,
      }),
    ).toEqual({
      hostKey: 'vh_abcdefgh123',
      resourceId: 'host:1',
      accountId: 'a',
      checkinIntervalSeconds: 60,
    });
  });

  it('refuses a key that cannot go into a header, and garbage', () => {
    for (const body of [
      undefined,
      null,
      [],
      'vh_abcdefgh',
      { hostKey: 42 },
      { hostKey: 'vh_a b c d e' },
      { hostKey: 'vh_abc\r\nX-Evil: 1' },
      { hostKey: 'short' },
      { hostKey: `vh_${'x'.repeat(2000)}` },
    ])
      expect(enrollAnswerOf(body)).toBeUndefined();
  });

  it('keeps a check-in interval between 1 s and a day, and wantInventory only when true', () => {
    expect(checkinAnswerOf({ checkinIntervalSeconds: 0, wantInventory: true })).toEqual({
      checkinIntervalSeconds: 1,
      wantInventory: true,
      wantNetworkFacts: false,
    });
    expect(
      checkinAnswerOf({ checkinIntervalSeconds: 1e12, wantInventory: 'yes', wantNetworkFacts: 1 }),
    ).toEqual({
      checkinIntervalSeconds: 86_400,
      wantInventory: false,
      wantNetworkFacts: false,
    });
    expect(checkinAnswerOf({ wantNetworkFacts: true })).toEqual({
      wantInventory: false,
      wantNetworkFacts: true,
    });
    for (const body of [
      undefined,
      'x',
      [],
      { checkinIntervalSeconds: 'soon' },
      { checkinIntervalSeconds: NaN },
    ])
      expect(checkinAnswerOf(body)).toEqual({ wantInventory: false, wantNetworkFacts: false });
  });

  it('takes an assessment request only for a benchmark it has, level 1 or 2 and a known profile', () => {
    const request = { benchmark: 'cis-debian12', level: 2, profile: 'server' };
    expect(checkinAnswerOf({ wantInventory: false, assessmentRequest: request })).toEqual({
      wantInventory: false,
      wantNetworkFacts: false,
      assessmentRequest: request,
    });
    for (const bad of [
      { ...request, benchmark: 'cis-rhel9' },
      { ...request, level: 3 },
      { ...request, level: '1' },
      { ...request, profile: 'desktop' },
      'cis-debian12',
      null,
    ])
      expect(checkinAnswerOf({ assessmentRequest: bad })).toEqual({
        wantInventory: false,
        wantNetworkFacts: false,
      });
  });

  it('keeps only further benchmarks it has (a Classic run wants best practices in the same facts)', () => {
    const request = { benchmark: 'cis-debian12', level: 1, profile: 'server' };
    const answer = (alsoBenchmarks: unknown) =>
      checkinAnswerOf({ assessmentRequest: { ...request, alsoBenchmarks } }).assessmentRequest;
    expect(answer(['security-best-practices', 'cis-rhel9', 7])).toEqual({
      ...request,
      alsoBenchmarks: ['security-best-practices'],
    });
    expect(answer(['cis-rhel9'])).toEqual(request);
    expect(answer('security-best-practices')).toEqual(request);
  });
});
