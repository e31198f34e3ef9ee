import { describe, expect, it } from 'vitest';
import { schemeByName } from '../version/version-registry.js';
import type { AffectedRange } from '../vulndb/vuln-types.js';
import { evaluateRanges, inRange } from './osv-range-evaluator.js';

const semver = schemeByName('semver');
const deb = schemeByName('deb');
const eco = (...events: AffectedRange['events']): AffectedRange => ({ type: 'ECOSYSTEM', events });

describe('OSV range evaluation (the spec’s sorted-event walk)', () => {
  it('introduced/fixed: half-open interval', () => {
    const r = eco({ introduced: '1.0.0' }, { fixed: '1.2.0' });
    expect(inRange('0.9.0', r, semver)).toBe(false);
    expect(inRange('1.0.0', r, semver)).toBe(true);
    expect(inRange('1.1.9', r, semver)).toBe(true);
    expect(inRange('1.2.0', r, semver)).toBe(false);
  });

  it('introduced "0" is the beginning of time; an open range has no end', () => {
    expect(inRange('0.0.1', eco({ introduced: '0' }, { fixed: '1.0.0' }), semver)).toBe(true);
    expect(inRange('99.0.0', eco({ introduced: '0' }), semver)).toBe(true);
  });

  it('last_affected is inclusive', () => {
    const r = eco({ introduced: '0' }, { last_affected: '2.0.0' });
    expect(inRange('2.0.0', r, semver)).toBe(true);
    expect(inRange('2.0.1', r, semver)).toBe(false);
  });

  it('several intervals in one range, events in any order', () => {
    const r = eco({ fixed: '1.5.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '2.3.0' });
    expect(['0.5.0', '1.2.0', '1.7.0', '2.1.0', '2.3.0'].map((v) => inRange(v, r, semver))).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('limit bounds the range from above', () => {
    const r = eco({ introduced: '0' }, { limit: '3.0.0' });
    expect(inRange('2.9.9', r, semver)).toBe(true);
    expect(inRange('3.0.0', r, semver)).toBe(false);
  });

  it('introduced and fixed at the same version affect nothing (Alpine "fixed: 0")', () => {
    expect(inRange('1.0-r0', eco({ introduced: '0' }, { fixed: '0' }), schemeByName('apk'))).toBe(false);
  });

  it('uses the scheme: deb epochs and tildes', () => {
    const r = eco({ introduced: '0' }, { fixed: '1:2.0-1' });
    expect(inRange('2.9-1', r, deb)).toBe(true); // no epoch sorts below epoch 1
    expect(inRange('1:2.0-1~deb12u1', eco({ introduced: '0' }, { fixed: '1:2.0-1' }), deb)).toBe(true);
  });

  it('explicit versions list matches by scheme equality', () => {
    const d = evaluateRanges('1.0', [], ['1.0.0'], () => schemeByName('pep440'));
    expect(d).toMatchObject({ affected: true, via: 'versions' });
  });

  it('an unreadable range is skipped and reported, other ranges still decide', () => {
    const d = evaluateRanges(
      '1.5.0',
      [eco({ introduced: 'deadbeef' }, { fixed: 'cafe' }), eco({ introduced: '1.0.0' }, { fixed: '2.0.0' })],
      [],
      () => semver,
    );
    expect(d.affected).toBe(true);
    expect(d.undecidable).toHaveLength(1);
  });
});
