import { describe, expect, it } from 'vitest';
import type { Finding } from '../finding-types.js';
import { filterFindings } from './finding-filter.js';
import { isExpired, parseIgnoreRules } from './ignore-rules.js';

function finding(id: string, name: string, path: string, fix: 'YES' | 'NO'): Finding {
  return {
    id: `f-${id}-${name}`,
    accountId: 'local',
    type: 'PACKAGE_VULNERABILITY',
    title: `${id} - ${name}`,
    description: '',
    status: 'ACTIVE',
    severity: 'HIGH',
    firstObservedAt: '',
    lastObservedAt: '',
    updatedAt: '',
    exploitAvailable: 'NO',
    fixAvailable: fix,
    remediation: { recommendation: { text: '' } },
    resources: [],
    packageVulnerabilityDetails: {
      vulnerabilityId: id,
      source: 'test',
      cvss: [],
      relatedVulnerabilities: ['GHSA-rel'],
      referenceUrls: [],
      matches: [],
      cwes: [],
      vulnerablePackages: [
        {
          name,
          version: '1',
          filePath: path,
          purl: `pkg:npm/${name}@1`,
          packageManager: 'NPM',
          fixedInVersion: '2',
          remediation: '',
        },
      ],
    },
  };
}

describe('ignore rules', () => {
  const all = [
    finding('CVE-1', 'lodash', '/app/package-lock.json', 'YES'),
    finding('CVE-2', 'minimist', '/vendor/x/package-lock.json', 'YES'),
    finding('CVE-3', 'ws', '/app/package-lock.json', 'NO'),
  ];
  const now = new Date('2026-06-01T00:00:00Z');

  it('match by id (or a related id), package name or purl, and path glob; all given criteria must hold', () => {
    const rules = parseIgnoreRules(`
rules:
  - vulnerability: GHSA-rel
    package: pkg:npm/lodash
    reason: accepted
  - path: vendor/**
    reason: vendored, not shipped
`);
    const r = filterFindings(all, { ignoreRules: rules, now });
    expect(r.findings.map((f) => f.id)).toEqual(['f-CVE-3-ws']);
    expect(r.applied.map((a) => [a.ruleId, a.vulnerabilityId])).toEqual([
      ['rule-1', 'CVE-1'],
      ['rule-2', 'CVE-2'],
    ]);
  });

  it('expired rules are not applied and are returned for a warning; the expiry day itself still counts', () => {
    const rules = parseIgnoreRules(`
- { id: old, vulnerability: CVE-1, reason: r, expires: 2026-05-31 }
- { id: today, vulnerability: CVE-2, reason: r, expires: "2026-06-01" }
`);
    expect(isExpired(rules[1]!, new Date('2026-06-01T23:00:00Z'))).toBe(false);
    const r = filterFindings(all, { ignoreRules: rules, now });
    expect(r.expired.map((x) => x.id)).toEqual(['old']);
    expect(r.applied.map((x) => x.ruleId)).toEqual(['today']);
  });

  it('refuses rules without reason, without criteria, or with unknown keys', () => {
    expect(() => parseIgnoreRules('rules: [{ vulnerability: CVE-1 }]')).toThrow(/reason/);
    expect(() => parseIgnoreRules('rules: [{ reason: x }]')).toThrow(/at least one/);
    expect(() => parseIgnoreRules('rules: [{ cve: CVE-1, reason: x }]')).toThrow(/unknown key/);
    expect(() => parseIgnoreRules('rules: [{ vulnerability: CVE-1, reason: x, expires: soon }]')).toThrow(
      /date/,
    );
  });

  it('--ignore-unfixed and --severity filter what is shown', () => {
    expect(filterFindings(all, { ignoreUnfixed: true }).findings).toHaveLength(2);
    expect(filterFindings(all, { severities: ['LOW'] }).hidden.severity).toBe(3);
  });
});
