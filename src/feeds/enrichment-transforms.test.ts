import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../vulndb/import-types.js';
import type { VulnRecord } from '../vulndb/vuln-types.js';
import { transformComposite } from './composite-cvss/composite-transform.js';
import { transformCve5 } from './cve5/cve5-transform.js';
import { EpssCsvTransform } from './epss/epss-transform.js';
import { FeedFormatError } from './feed-format-error.js';
import { transformKev } from './kev/kev-transform.js';
import { transformNvdPage } from './nvd/nvd-transform.js';

const text = (p: string): string => readFileSync(join(import.meta.dirname, p), 'utf8');
const lines = (p: string): unknown[] =>
  text(p)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
const recordsOf = (items: FeedItem[]): Map<string, VulnRecord> =>
  new Map(items.flatMap((i) => (i.kind === 'record' ? [[i.record.id, i.record] as const] : [])));

describe('CVE JSON 5', () => {
  const recs = recordsOf(lines('cve5/testdata/cve5-sample.jsonl').flatMap(transformCve5));

  it('takes CNA metrics (v2, v3.0, v3.1, v4.0) with computed base scores', () => {
    const r = recs.get('CVE-2005-10003');
    expect(r?.cvss.map((c) => `${c.source} ${c.version} ${c.baseScore}`)).toEqual([
      'cna 4.0 6.3',
      'cna 3.1 5.6',
      'cna 3.0 5.6',
      'cna 2.0 5.1',
    ]);
    expect(r?.cwes).toEqual(['CWE-78']);
  });

  it('takes CISA-ADP metrics and CWEs as cisa-adp', () => {
    const r = recs.get('CVE-1999-0006');
    expect(r?.cvss).toEqual([
      {
        source: 'cisa-adp',
        version: '3.1',
        baseScore: 9.8,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      },
    ]);
    expect(r?.cwes).toEqual(['CWE-121']);
    expect(r?.modified).toBe('2024-08-01T18:53:34.621Z');
  });

  it('marks REJECTED records withdrawn and gates on dataVersion 5', () => {
    expect(recs.get('CVE-2019-25161')?.withdrawn).toBeDefined();
    expect(
      transformCve5({ dataType: 'CVE_RECORD', dataVersion: '4.0', cveMetadata: { cveId: 'CVE-1-1' } }),
    ).toEqual([{ kind: 'invalid', reason: 'unsupported CVE record dataVersion 4.0' }]);
  });
});

describe('NVD CVE API 2.0', () => {
  it('reads Primary metrics as nvd, Secondary as cna, CWEs, rejected as withdrawn', () => {
    const recs = recordsOf(transformNvdPage(JSON.parse(text('nvd/testdata/nvd-cves-page.json'))));
    const log4j = recs.get('CVE-2021-44228');
    expect(log4j?.cvss.map((c) => `${c.source} ${c.version} ${c.baseScore}`)).toEqual([
      'nvd 3.1 10',
      'cna 3.1 10',
      'nvd 2.0 9.3',
    ]);
    expect(log4j?.cwes).toEqual(['CWE-502', 'CWE-400', 'CWE-917']);
    expect(recs.get('CVE-2099-0099')?.withdrawn).toBe('2024-02-01T00:00:00.000');
  });

  it('refuses another API version (the gate)', () => {
    expect(() => transformNvdPage({ format: 'NVD_CVE', version: '1.0', vulnerabilities: [] })).toThrow(
      FeedFormatError,
    );
  });
});

describe('KEV, EPSS, composite', () => {
  it('reads the KEV catalog with its release date', () => {
    const items = transformKev(JSON.parse(text('kev/testdata/kev-sample.json')));
    expect(items[0]).toEqual({ kind: 'data-date', date: '2025-08-25T17:04:19.9796Z' });
    expect(items[1]).toMatchObject({
      kind: 'kev',
      entry: { cveId: 'CVE-2025-48384', dateAdded: '2025-08-25', dueDate: '2025-09-15' },
    });
    expect(() => transformKev({ vulnerabilities: [] })).toThrow(FeedFormatError);
  });

  it('reads EPSS with and without the model line, and refuses another header', () => {
    const t = new EpssCsvTransform();
    const items = text('epss/testdata/epss-with-model-line.csv')
      .split('\n')
      .flatMap((l) => t.line(l));
    expect(items[0]).toEqual({ kind: 'data-date', date: '2026-08-16T00:00:00+0000' });
    expect(items[1]).toEqual({
      kind: 'epss',
      entry: { cveId: 'CVE-1999-0001', score: 0.03351, percentile: 0.8765, date: '2026-08-16' },
    });
    const plain = new EpssCsvTransform();
    expect(
      ['cve,epss,percentile', 'CVE-1999-0002,0.2,0.9', 'CVE-x,2,1'].flatMap((l) => plain.line(l)),
    ).toEqual([
      { kind: 'epss', entry: { cveId: 'CVE-1999-0002', score: 0.2, percentile: 0.9 } },
      { kind: 'invalid', reason: 'EPSS line not cve,score,percentile' },
    ]);
    expect(() => new EpssCsvTransform().line('cve,score')).toThrow(FeedFormatError);
  });

  it('maps composite provenance to CVSS sources', () => {
    const recs = recordsOf(
      lines('composite-cvss/testdata/composite-sample.jsonl').flatMap((d) => transformComposite(d)),
    );
    expect(recs.get('CVE-2005-4644')?.cvss.map((c) => `${c.source} ${c.version}`)).toEqual([
      'ghsa 4.0',
      'ghsa 3.1',
    ]);
    expect(recs.get('CVE-2005-10003')?.cvss.map((c) => `${c.source} ${c.version} ${c.baseScore}`)).toEqual([
      'cna 4.0 6.3',
      'cna 3.0 5.6',
      'cna 2.0 5.1',
    ]);
    expect(recs.get('CVE-2000-0062')?.cwes).toEqual(['CWE-287']);
  });
});
