import { describe, expect, it } from 'vitest';
import type { Package } from '../core/package.js';
import type { AffectedRow, VulnRecord } from '../vulndb/vuln-types.js';
import { mergeAliases } from './alias-merger.js';
import type { MatchNote, PackageMatch } from './match-types.js';
import { applyReviewedAdvisoryRule } from './reviewed-advisory-rule.js';

const urllib3: Package = {
  id: 'urllib3@1.24.1',
  name: 'urllib3',
  version: '1.24.1',
  ecosystem: 'pypi',
  purl: 'pkg:pypi/urllib3@1.24.1',
  filePath: '/app/requirements.txt',
  foundBy: 'test',
  scope: 'declared',
};

function row(vulnId: string, reviewed?: boolean, packageName = 'urllib3'): AffectedRow {
  return {
    vulnId,
    source: vulnId.startsWith('GHSA') ? 'ghsa' : 'pypa',
    ecosystem: 'PyPI',
    packageName,
    ranges: [],
    versions: [],
    state: 'fixed',
    ...(reviewed === undefined ? {} : { reviewed }),
  };
}

function matchOf(r: AffectedRow, fixedVersion: string): PackageMatch {
  return {
    pkg: urllib3,
    row: r,
    reason: {
      recordId: r.vulnId,
      source: r.source,
      ecosystem: 'PyPI',
      packageName: r.packageName,
      comparedVersion: urllib3.version,
      scheme: 'pep440',
      state: 'fixed',
      via: 'range',
      fixedVersion,
    },
  };
}

const rec = (id: string, aliases: string[]): VulnRecord => ({
  id,
  aliases,
  related: [],
  source: 'test',
  modified: '2024-01-01T00:00:00Z',
  references: [],
  cvss: [],
  cwes: [],
});

// As in ../shared/data: the PYSEC record names the GHSA as an alias, the GHSA names only the CVE.
const RECORDS = new Map([
  ['PYSEC-2021-108', rec('PYSEC-2021-108', ['CVE-2021-33503', 'GHSA-q2q7-5pp4-w6pg'])],
  ['GHSA-q2q7-5pp4-w6pg', rec('GHSA-q2q7-5pp4-w6pg', ['CVE-2021-33503'])],
  ['PYSEC-2099-1', rec('PYSEC-2099-1', ['CVE-2099-1'])],
  ['GHSA-only-cve', rec('GHSA-only-cve', ['CVE-2099-1'])],
]);

describe('reviewed advisories decide over unreviewed ones for one package', () => {
  it('drops an unreviewed match its reviewed twin contradicts, with a note naming both', () => {
    const pysec = row('PYSEC-2021-108');
    const notes: MatchNote[] = [];
    const kept = applyReviewedAdvisoryRule(
      [matchOf(pysec, '1.26.5')],
      [pysec, row('GHSA-q2q7-5pp4-w6pg', true)],
      RECORDS,
      notes,
    );
    expect(kept).toEqual([]);
    expect(notes).toEqual([
      expect.objectContaining({ kind: 'superseded', recordId: 'PYSEC-2021-108', packageId: urllib3.id }),
    ]);
    expect(notes[0]?.message).toContain('GHSA-q2q7-5pp4-w6pg');
  });

  it('keeps the unreviewed match beside a reviewed one that matched: the reviewed one decides the fix', () => {
    const pysec = row('PYSEC-2021-108');
    const ghsa = row('GHSA-q2q7-5pp4-w6pg', true);
    const kept = applyReviewedAdvisoryRule(
      [matchOf(pysec, '1.26.5'), matchOf(ghsa, '1.26.5')],
      [pysec, ghsa],
      RECORDS,
      [],
    );
    expect(kept.map((m) => [m.reason.recordId, m.reason.deferredTo, m.reason.rule])).toEqual([
      ['PYSEC-2021-108', ['GHSA-q2q7-5pp4-w6pg'], 'reviewed-advisory'],
      ['GHSA-q2q7-5pp4-w6pg', undefined, undefined],
    ]);
    const [group] = mergeAliases(kept, RECORDS);
    expect(group?.vulnerabilityId).toBe('CVE-2021-33503');
    expect(group?.relatedIds).toEqual(['GHSA-q2q7-5pp4-w6pg', 'PYSEC-2021-108']);
  });

  it('links twins through a shared CVE alias too', () => {
    const pysec = row('PYSEC-2099-1');
    const kept = applyReviewedAdvisoryRule(
      [matchOf(pysec, '2.0')],
      [pysec, row('GHSA-only-cve', true)],
      RECORDS,
      [],
    );
    expect(kept).toEqual([]);
  });

  it('an unreviewed record with no reviewed twin still applies', () => {
    const pysec = row('PYSEC-2021-108');
    const cases: AffectedRow[][] = [
      [pysec], // no GHSA at all
      [pysec, row('GHSA-q2q7-5pp4-w6pg', false)], // the GHSA is not reviewed
      [pysec, row('GHSA-q2q7-5pp4-w6pg')], // the feed does not say
      [pysec, row('GHSA-q2q7-5pp4-w6pg', true, 'requests')], // reviewed, but for another package
      [pysec, row('GHSA-unrelated', true)], // reviewed, another vulnerability
    ];
    for (const rows of cases) {
      const notes: MatchNote[] = [];
      const kept = applyReviewedAdvisoryRule([matchOf(pysec, '1.26.5')], rows, RECORDS, notes);
      expect(kept.map((m) => [m.reason.recordId, m.reason.rule])).toEqual([['PYSEC-2021-108', undefined]]);
      expect(notes).toEqual([]);
    }
  });
});
