import { describe, expect, it } from 'vitest';
import { scoreVector } from './cvss-scorer.js';
import { selectScore } from './score-selector.js';
import { severityFromScore, severityFromVendor } from './severity-band.js';

describe('severity bands (DESIGN §3)', () => {
  it.each([
    [0, 'INFORMATIONAL'],
    [0.1, 'LOW'],
    [3.9, 'LOW'],
    [4.0, 'MEDIUM'],
    [6.9, 'MEDIUM'],
    [7.0, 'HIGH'],
    [8.9, 'HIGH'],
    [9.0, 'CRITICAL'],
    [10, 'CRITICAL'],
  ])('%s → %s', (score, band) => expect(severityFromScore(score)).toBe(band));

  it('vendor words map only when they are severities', () => {
    expect(severityFromVendor('unimportant')).toBe('LOW');
    expect(severityFromVendor('high')).toBe('HIGH');
    expect(severityFromVendor('not yet assigned')).toBeUndefined();
    expect(severityFromVendor('end-of-life')).toBeUndefined();
  });
});

describe('CVSS through ae-cvss-calculator', () => {
  it('scores v2, v3.0, v3.1 and v4.0 vectors', () => {
    expect(scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toMatchObject({
      version: '3.1',
      baseScore: 9.8,
    });
    expect(scoreVector('CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N')).toMatchObject({
      version: '3.0',
      baseScore: 5.4,
    });
    expect(scoreVector('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toMatchObject({ version: '2.0', baseScore: 7.5 });
    expect(scoreVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toMatchObject({
      version: '4.0',
      baseScore: 9.3,
    });
    expect(scoreVector('not a vector')).toBeUndefined();
  });

  it('prefers v3.x over v4 and v2, the vendor over the CNA, and recomputes the score from the vector', () => {
    const v3cna = {
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      version: '3.1',
      baseScore: 1,
      source: 'cna',
    } as const;
    const v3vendor = {
      vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
      version: '3.1',
      baseScore: 0,
      source: 'redhat',
    } as const;
    const v4 = {
      vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      version: '4.0',
      baseScore: 9.3,
      source: 'cna',
    } as const;
    const v2 = {
      vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      version: '2.0',
      baseScore: 7.5,
      source: 'nvd',
    } as const;
    expect(selectScore([v2, v4, v3cna], [])).toMatchObject({
      baseScore: 9.8,
      source: 'cna',
      cvssVersion: '3.1',
    });
    expect(selectScore([v3cna, v3vendor], ['redhat'])).toMatchObject({ baseScore: 7.8, source: 'redhat' });
    expect(selectScore([v2, v4], [])).toMatchObject({ cvssVersion: '4.0', baseScore: 9.3 });
    expect(selectScore([v2], [])).toMatchObject({ cvssVersion: '2.0', adjustments: [] });
    expect(selectScore([], [])).toBeUndefined();
  });
});
