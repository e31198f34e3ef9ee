import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../vulndb/import-types.js';
import type { AffectedRow, VulnRecord } from '../../vulndb/vuln-types.js';
import { normalizeEcosystem } from './osv-ecosystem.js';
import { transformOsv } from './osv-transform.js';

const here = import.meta.dirname;

function load(name: string, feed: string): FeedItem[] {
  const text = readFileSync(join(here, 'testdata', name), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => transformOsv(JSON.parse(l), feed));
}

function records(items: FeedItem[]): { record: VulnRecord; affected: AffectedRow[] }[] {
  return items.flatMap((i) => (i.kind === 'record' ? [{ record: i.record, affected: i.affected }] : []));
}

describe('transformOsv on real Debian OSV records', () => {
  const items = load('debian-osv-sample.jsonl', 'osv-debian');
  const byId = new Map(records(items).map((r) => [r.record.id, r]));

  it('maps a fixed Debian entry with its source package and fixed version', () => {
    const row = byId.get('CVE-2002-0380')?.affected.find((a) => a.ecosystem === 'Debian:12');
    expect(row).toMatchObject({ packageName: 'tcpdump', state: 'fixed', fixedVersion: '3.7.1-1.2' });
    // "not yet assigned" is the tracker's placeholder, not a severity.
    expect(row?.vendorSeverity).toBeUndefined();
  });

  it('keeps unfixed entries with their urgency, and end-of-life as its own state', () => {
    const unfixed = byId.get('CVE-2002-1976')?.affected.find((a) => a.ecosystem === 'Debian:12');
    expect(unfixed).toMatchObject({ state: 'unfixed', vendorSeverity: 'unimportant' });
    expect(unfixed?.fixedVersion).toBeUndefined();
    const eol = byId.get('CVE-2014-7250')?.affected[0];
    expect(eol).toMatchObject({ ecosystem: 'Debian:10', state: 'end-of-life' });
  });

  it('skips and counts the `package: {}` GIT entries but keeps the rest of the record', () => {
    const rec = byId.get('CVE-2016-0701');
    expect(rec?.affected.map((a) => a.ecosystem)).toEqual(['Debian:11', 'Debian:12', 'Debian:13']);
    const skipped = items.filter((i) => i.kind === 'skipped-part');
    expect(skipped).toContainEqual({
      kind: 'skipped-part',
      reason: 'affected entry without package (GIT only)',
      count: 1,
    });
    expect(rec?.record.cvss).toEqual([
      {
        vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N',
        version: '3.0',
        baseScore: 3.7,
        source: 'osv-debian',
      },
    ]);
  });

  it('reads Alpine "fixed 0" (never affected) as not-affected', () => {
    const rows = (byId.get('CVE-2019-3466')?.affected ?? []).filter((r) => r.ecosystem.startsWith('Alpine:'));
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => r.state === 'not-affected' && r.fixedVersion === undefined)).toBe(true);
  });
});

describe('transformOsv on language ecosystems', () => {
  const items = load('language-osv-sample.jsonl', 'osv');
  const recs = records(items);

  it('normalizes PyPI names per PEP 503 and drops GIT ranges, counting them', () => {
    const aio = recs.find((r) => r.record.id === 'PYSEC-2021-76');
    expect(aio?.affected[0]?.packageName).toBe('aiohttp');
    expect(aio?.affected[0]?.ranges.every((r) => r.type === 'ECOSYSTEM')).toBe(true);
    const git = items.find((i) => i.kind === 'skipped-part' && i.reason === 'GIT range');
    expect(git).toBeDefined();
  });

  it('keeps SEMVER ranges for Go and last_affected events for crates', () => {
    const go = recs.find((r) => r.record.id === 'GO-2020-0001');
    expect(go?.affected[0]).toMatchObject({ ecosystem: 'Go', packageName: 'github.com/gin-gonic/gin' });
    expect(go?.affected[0]?.ranges[0]?.type).toBe('SEMVER');
    const crate = recs.find((r) => r.record.id === 'GHSA-2226-4v3c-cff8');
    expect(crate?.affected[0]?.ranges[0]?.events).toEqual([{ introduced: '0' }, { last_affected: '0.3.24' }]);
    expect(crate?.affected[0]).toMatchObject({ state: 'unfixed', vendorSeverity: 'moderate' });
  });
});

describe('transformOsv gates and tolerance', () => {
  it('rejects an OSV 2.x record as invalid (the schema gate)', () => {
    const out = transformOsv({ schema_version: '2.0.0', id: 'X-1', modified: '2024-01-01T00:00:00Z' }, 'osv');
    expect(out).toEqual([{ kind: 'invalid', reason: 'unsupported OSV schema_version 2.0.0', id: 'X-1' }]);
  });

  it('skips unknown ecosystems and counts them, keeping known ones', () => {
    const out = transformOsv(
      {
        id: 'X-2',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Nonesuch', name: 'a' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          },
          { package: { ecosystem: 'PyPI', name: 'Foo_Bar.baz' }, versions: ['1.0'] },
        ],
      },
      'osv',
    );
    expect(out).toContainEqual({ kind: 'skipped-part', reason: 'unknown ecosystem Nonesuch', count: 1 });
    const rec = out.find((i) => i.kind === 'record');
    expect(rec?.kind === 'record' && rec.affected.map((a) => a.packageName)).toEqual(['foo-bar-baz']);
  });

  it('normalizes ecosystem names', () => {
    expect(normalizeEcosystem('Alpine:3.19')).toBe('Alpine:v3.19');
    expect(normalizeEcosystem('Debian:12')).toBe('Debian:12');
    expect(normalizeEcosystem('Ubuntu:22.04:LTS')).toBe('Ubuntu:22.04:LTS');
    expect(normalizeEcosystem('Red Hat:enterprise_linux:9::appstream')).toBe(
      'Red Hat:enterprise_linux:9::appstream',
    );
    expect(normalizeEcosystem('Nonesuch:1')).toBeUndefined();
  });
});
