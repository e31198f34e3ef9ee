import { describe, expect, it } from 'vitest';
import { eolEntry, isEndOfLife } from './eol-table.js';

describe('eol table', () => {
  it('knows every Debian release 7-13 with security, LTS and ELTS ends in order', () => {
    for (const r of ['7', '8', '9', '10', '11', '12', '13']) {
      const e = eolEntry('debian', r);
      expect([e?.security, e?.eol, e?.extended].every(Boolean), r).toBe(true);
      expect(`${e?.security}` < `${e?.eol}` && `${e?.eol}` < `${e?.extended}`, r).toBe(true);
    }
  });

  it('judges by the day: supported through the EOL date, end of life after it', () => {
    const bullseye = eolEntry('debian', '11')!;
    expect(bullseye.eol).toBe('2026-08-31');
    expect(isEndOfLife(bullseye, new Date('2026-08-31T12:00:00Z'))).toBe(false);
    expect(isEndOfLife(bullseye, new Date('2026-09-01T00:00:00Z'))).toBe(true);
  });

  it.each([
    ['ubuntu', '20.04', '2025-05-31'],
    ['ubuntu', '23.10', '2024-07-12'],
    ['alpine', 'v3.21', '2026-11-01'],
    ['rhel', '7', '2024-06-30'],
    ['rocky', '8', '2029-05-31'],
    ['almalinux', '9', '2032-05-31'],
    ['amzn', '2', '2026-06-30'],
    ['amzn', '2023', '2029-06-30'],
    ['mariner', '2.0', '2025-07-31'],
    ['azurelinux', '3.0', '2027-08-31'],
    ['sles', '15.4', '2023-12-31'],
  ])('%s %s ends %s', (id, release, date) => {
    expect(eolEntry(id, release)?.eol).toBe(date);
  });

  it('has no verdict for unknown distributions or releases', () => {
    expect(eolEntry('gentoo', '2.15')).toBeUndefined();
    expect(eolEntry('debian', 'sid')).toBeUndefined();
    expect(eolEntry('debian', undefined)).toBeUndefined();
  });
});
