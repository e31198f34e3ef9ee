import cvssCalculator from 'ae-cvss-calculator';
import { describe, expect, it } from 'vitest';
import { contextualScore, NO_INTERNET_PATH } from './contextual-score.js';

// The calculator's own environmental score for the vector with MAV:A: what the adjustment must equal.
const calc = cvssCalculator as unknown as {
  fromVector(v: string): { calculateScores(): { base: number; environmental?: number } };
};
const environmental = (v: string): number | undefined => calc.fromVector(v).calculateScores().environmental;

const NONE = {
  analysed: true,
  path: false,
  reason: 'no open network path from an internet gateway to any port',
} as const;

describe('contextual score (MAV:A when nothing reaches the resource)', () => {
  it.each([
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:L/I:L/A:N',
    'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
  ])('%s is lowered exactly as ae-cvss-calculator scores it with MAV:A', (vector) => {
    const r = contextualScore(vector, NONE);
    expect(r?.score).toBe(environmental(`${vector}/MAV:A`));
    expect(r?.score).toBeLessThan(calc.fromVector(vector).calculateScores().base);
    expect(r?.adjustments).toEqual([
      { metric: 'attackVector', reason: 'no open network path from the internet' },
    ]);
    expect(r?.vector).toContain('MAV:A');
  });

  it('9.8 becomes 8.8', () => {
    expect(contextualScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', NONE)).toMatchObject({
      score: 8.8,
      adjustments: [NO_INTERNET_PATH],
    });
  });

  it('is not adjusted, and says why, when a path exists, nothing was analysed, or it cannot be told', () => {
    const v = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    expect(contextualScore(v, { analysed: true, path: true, reason: 'port 22 is reachable' })).toEqual({
      score: 9.8,
      vector: v,
      adjustments: [],
      detail: 'not adjusted: port 22 is reachable',
    });
    expect(
      contextualScore(v, {
        analysed: false,
        reason: 'no network reachability analysis exists for this resource',
      })?.detail,
    ).toBe('not adjusted: no network reachability analysis exists for this resource');
    expect(
      contextualScore(v, { analysed: true, path: 'unknown', reason: 'a rule could not be evaluated' }),
    ).toMatchObject({ score: 9.8, adjustments: [] });
    expect(contextualScore('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', NONE)).toMatchObject({
      score: 7.8,
      adjustments: [],
      detail: 'the attack vector is not network',
    });
    expect(
      contextualScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', NONE)?.adjustments,
    ).toEqual([]);
    expect(contextualScore('not a vector', NONE)).toBeUndefined();
  });
});
