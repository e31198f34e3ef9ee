import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../vulndb/import-types.js';
import { openVulnDb } from '../../vulndb/vuln-db.js';
import type { AffectedRow } from '../../vulndb/vuln-types.js';
import { FeedFormatError } from '../feed-format-error.js';
import { osvItems } from '../osv/osv-feed.js';
import { transformCveList } from './cve-list-transform.js';
import { trackerBatch } from './tracker-feed.js';
import { transformTrackerJson } from './tracker-json-transform.js';

const data = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');

function rows(items: FeedItem[]): Map<string, AffectedRow> {
  const out = new Map<string, AffectedRow>();
  for (const i of items) {
    if (i.kind === 'record')
      for (const r of i.affected) out.set(`${r.vulnId} ${r.ecosystem} ${r.packageName}`, r);
  }
  return out;
}

describe('Debian tracker JSON (tracker/data/json)', () => {
  it('reads the real sample: fixed, not-affected (fixed_version 0), end-of-life, urgencies', () => {
    const r = rows(transformTrackerJson(JSON.parse(data('tracker-data.sample.json'))));
    expect(r.get('CVE-2008-7220 Debian:10 prototypejs')).toMatchObject({
      state: 'fixed',
      fixedVersion: '1.6.0.2-1',
      vendorSeverity: 'high',
    });
    expect(r.get('CVE-2007-2383 Debian:9 prototypejs')).toMatchObject({
      state: 'not-affected',
      vendorSeverity: 'unimportant',
      ranges: [],
    });
    expect(r.get('CVE-2022-0456 Debian:10 chromium')).toMatchObject({ state: 'end-of-life' });
    expect(r.get('CVE-2022-0456 Debian:11 chromium')).toMatchObject({
      state: 'fixed',
      fixedVersion: '98.0.4758.80-1~deb11u1',
    });
    expect(r.get('CVE-2022-0456 Debian:sid chromium')?.vendorSeverity).toBeUndefined();
  });

  it('maps nodsa / nodsa_reason to no-dsa, postponed and ignored; undetermined to unfixed', () => {
    const r = rows(transformTrackerJson(JSON.parse(data('tracker-nodsa.json'))));
    const state = (id: string, eco: string): string | undefined => r.get(`${id} ${eco} vigil-demo`)?.state;
    expect(state('CVE-2099-0001', 'Debian:12')).toBe('no-dsa');
    expect(state('CVE-2099-0001', 'Debian:13')).toBe('postponed');
    expect(state('CVE-2099-0001', 'Debian:11')).toBe('ignored');
    expect(state('CVE-2099-0001', 'Debian:10')).toBe('end-of-life');
    expect(state('CVE-2099-0001', 'Debian:sid')).toBe('fixed');
    expect(state('CVE-2099-0002', 'Debian:12')).toBe('unfixed');
    expect(r.get('CVE-2099-0002 Debian:14 vigil-demo')).toMatchObject({
      state: 'unfixed',
      vendorSeverity: 'medium',
    });
  });

  it('refuses a document that is not the tracker shape (the gate)', () => {
    expect(() => transformTrackerJson({ vulnerabilities: [1, 2] })).toThrow(FeedFormatError);
    expect(() => transformTrackerJson([])).toThrow(/top level is not an object/);
  });
});

describe('Debian tracker data/CVE/list', () => {
  const items = transformCveList(data('cve-list.sample'));
  const r = rows(items);

  it('reads no-dsa, unfixed, fixed and unimportant from the real sample', () => {
    expect(r.get('CVE-2021-36367 Debian:11 putty')).toMatchObject({ state: 'no-dsa', vendorSeverity: 'low' });
    expect(r.get('CVE-2021-36367 Debian:10 putty')?.state).toBe('no-dsa');
    expect(r.get('CVE-2021-36367 Debian:sid putty')).toMatchObject({
      state: 'fixed',
      fixedVersion: '0.75-3',
    });
    expect(r.get('CVE-2021-36373 Debian:sid ant')).toMatchObject({
      state: 'unfixed',
      vendorSeverity: 'unimportant',
    });
  });

  it('counts NOT-FOR-US and placeholder ids instead of storing them', () => {
    const skipped = Object.fromEntries(
      items.flatMap((i) => (i.kind === 'skipped-part' ? [[i.reason, i.count]] : [])),
    );
    expect(skipped).toEqual({ 'NOT-FOR-US issue': 1, 'issue without an assigned id': 2 });
    expect([...r.keys()].some((k) => k.startsWith('CVE-2021-36383'))).toBe(false);
  });

  it('reads every list state', () => {
    const text = [
      'CVE-2099-1000 (made up)',
      '\t- pkga <unfixed> (unimportant)',
      '\t[bookworm] - pkga <postponed> (Revisit when fixed upstream)',
      '\t[bullseye] - pkga <ignored> (Minor issue)',
      '\t[buster] - pkga <end-of-life> (EOL in buster)',
      '\t[trixie] - pkga <not-affected> (Vulnerable code not present)',
      '\t[forky] - pkga <removed>',
      '\t{DSA-9999-1}',
    ].join('\n');
    const out = transformCveList(text);
    const got = rows(out);
    expect([...got.values()].map((x) => `${x.ecosystem}=${x.state}:${x.vendorSeverity}`)).toEqual([
      'Debian:sid=unfixed:unimportant',
      'Debian:12=postponed:unimportant',
      'Debian:11=ignored:unimportant',
      'Debian:10=end-of-life:unimportant',
      'Debian:13=not-affected:unimportant',
    ]);
    const rec = out.find((i) => i.kind === 'record');
    expect(rec?.kind === 'record' && rec.record.related).toEqual(['DSA-9999-1']);
  });
});

describe('tracker rows take precedence over OSV Debian rows', () => {
  it('the store returns the tracker row for the same (CVE, release, source package)', async () => {
    const db = await openVulnDb(join(mkdtempSync(join(tmpdir(), 'vigil-tracker-')), 'db.sqlite'));
    try {
      const osv = {
        id: 'CVE-2099-0001',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Debian:12', name: 'vigil-demo' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          },
          {
            package: { ecosystem: 'Debian:12', name: 'other' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          },
        ],
      };
      await db.import([
        { feed: 'osv-debian', items: osvItems([{ ok: true as const, value: osv }], 'osv-debian') },
      ]);
      const change = await db.import([trackerBatch(data('tracker-nodsa.json'), '2025-01-01T00:00:00Z')]);
      expect(change.new).toEqual(['CVE-2099-0001', 'CVE-2099-0002']);
      const got = await db.store.affected('Debian:12', ['vigil-demo', 'other']);
      expect(got.map((g) => `${g.vulnId} ${g.packageName} ${g.source} ${g.state}`).sort()).toEqual([
        'CVE-2099-0001 other osv-debian unfixed',
        'CVE-2099-0001 vigil-demo debian-tracker no-dsa',
        'CVE-2099-0002 vigil-demo debian-tracker unfixed',
      ]);
      const again = await db.import([trackerBatch(data('tracker-nodsa.json'), '2025-02-01T00:00:00Z')]);
      expect([again.new.length, again.updated.length, again.skipped]).toEqual([0, 0, 2]);
    } finally {
      await db.close();
    }
  });
});
