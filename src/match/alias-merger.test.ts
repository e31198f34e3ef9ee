import { describe, expect, it } from 'vitest';
import type { Package } from '../core/package.js';
import type { AffectedRow, VulnRecord } from '../vulndb/vuln-types.js';
import { mergeAliases, preferredId } from './alias-merger.js';
import type { PackageMatch } from './match-types.js';

const pkg = (name: string, version: string, ecosystem: Package['ecosystem'] = 'pypi'): Package => ({
  id: `${name}@${version}`,
  name,
  version,
  ecosystem,
  purl: `pkg:${ecosystem}/${name}@${version}`,
  filePath: '/app/requirements.txt',
  foundBy: 'test',
  scope: 'declared',
});

function match(p: Package, recordId: string, deferredTo?: string[]): PackageMatch {
  const row: AffectedRow = {
    vulnId: recordId,
    source: 'test',
    ecosystem: 'PyPI',
    packageName: p.name,
    ranges: [],
    versions: [],
    state: 'fixed',
  };
  return {
    pkg: p,
    row,
    reason: {
      recordId,
      source: 'test',
      ecosystem: 'PyPI',
      packageName: p.name,
      comparedVersion: p.version,
      scheme: 'pep440',
      state: 'fixed',
      via: 'range',
      ...(deferredTo ? { deferredTo } : {}),
    },
  };
}

const rec = (id: string, aliases: string[] = [], related: string[] = []): VulnRecord => ({
  id,
  aliases,
  related,
  source: 'test',
  modified: '2024-01-01T00:00:00Z',
  references: [],
  cvss: [],
  cwes: [],
});

describe('alias merging', () => {
  it('GHSA and PYSEC naming the same CVE are one finding with the CVE as id', () => {
    const p = pkg('pyyaml', '5.3');
    const records = new Map([
      ['GHSA-8q59-q68h-6hv4', rec('GHSA-8q59-q68h-6hv4', ['CVE-2020-14343'])],
      ['PYSEC-2021-142', rec('PYSEC-2021-142', ['CVE-2020-14343', 'GHSA-8q59-q68h-6hv4'])],
      ['GHSA-other', rec('GHSA-other', ['CVE-2020-1747'], ['CVE-2020-14343'])],
    ]);
    const groups = mergeAliases(
      [match(p, 'GHSA-8q59-q68h-6hv4'), match(p, 'PYSEC-2021-142'), match(p, 'GHSA-other')],
      records,
    );
    expect(groups.map((g) => [g.vulnerabilityId, g.relatedIds])).toEqual([
      ['CVE-2020-14343', ['GHSA-8q59-q68h-6hv4', 'PYSEC-2021-142']],
      ['CVE-2020-1747', ['GHSA-other']],
    ]);
  });

  it('the same vulnerability in two packages is two findings; one package at two paths is one', () => {
    const a = pkg('urllib3', '1.24.1');
    const b = { ...pkg('urllib3', '1.24.1'), id: 'second', filePath: '/other/poetry.lock' };
    const c = pkg('requests', '2.19.0');
    const records = new Map([['GHSA-x', rec('GHSA-x', ['CVE-1'])]]);
    const groups = mergeAliases([match(a, 'GHSA-x'), match(b, 'GHSA-x'), match(c, 'GHSA-x')], records);
    expect(groups.map((g) => [g.packageKey, g.packages.length])).toEqual([
      ['pypi:requests', 1],
      ['pypi:urllib3', 2],
    ]);
  });

  it('a deferred advisory joins its CVE’s finding and never stands alone', () => {
    const p = pkg('glibc', '2.36-9', 'deb');
    const records = new Map([
      ['CVE-2023-4911', rec('CVE-2023-4911')],
      ['DSA-5514-1', rec('DSA-5514-1', [], ['CVE-2023-4911'])],
    ]);
    const groups = mergeAliases(
      [
        match(p, 'CVE-2023-4911'),
        match(p, 'DSA-5514-1', ['CVE-2023-4911']),
        match(p, 'DSA-9999-1', ['CVE-absent']),
      ],
      records,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]?.relatedIds).toEqual(['DSA-5514-1']);
  });

  it('prefers a CVE, then GHSA, then the record’s own id', () => {
    expect(preferredId(['PYSEC-1', 'GHSA-1'], [])).toBe('GHSA-1');
    expect(preferredId(['GHSA-1'], ['CVE-2020-1'])).toBe('CVE-2020-1');
    expect(preferredId(['DSA-1-1'], [])).toBe('DSA-1-1');
  });
});
