import { describe, expect, it } from 'vitest';
import { checkProblems } from '../evaluate/condition-validator.js';
import { BENCHMARKS, benchmark, selectChecks } from './benchmark-registry.js';

/** One contract for every check of every benchmark: well-formed data the evaluator accepts. */

/** CIS checks with no ComplianceAsCode counterpart in ssg-debian 0.1.82, and why. */
const WITHOUT_SSG_RULE: Readonly<Record<string, string>> = {
  'cis-d12-1.1.1.7': 'SSG 0.1.82 has no squashfs module rule for Debian 12',
  'cis-d12-1.5.4': 'SSG 0.1.82 has no prelink rule for Debian 12',
};

const allChecks = BENCHMARKS.flatMap((b) => b.checks.map((c) => ({ b, c })));

describe('benchmark registry', () => {
  it('lists benchmarks with unique ids and refuses unknown ones with a stable code', () => {
    expect(new Set(BENCHMARKS.map((b) => b.id)).size).toBe(BENCHMARKS.length);
    expect(() => benchmark('cis-windows')).toThrow(
      expect.objectContaining({ code: 'BENCHMARK_UNKNOWN' }) as Error,
    );
  });

  it('gives every check an id unique across all benchmarks', () => {
    const ids = allChecks.map(({ c }) => c.id);
    const dups = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dups).toEqual([]);
  });
});

describe.each(BENCHMARKS.map((b) => [b.id, b] as const))('benchmark %s', (_id, b) => {
  it('has checks, each well-formed: facts known and declared, conditions the evaluator accepts', () => {
    expect(b.checks.length).toBeGreaterThan(0);
    const problems = b.checks.flatMap((c) => checkProblems(c).map((p) => `${c.id}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('has titles, remediation text and levels on every check, and is plain JSON data', () => {
    for (const c of b.checks) {
      expect(c.id, c.id).toMatch(/^[a-z0-9][a-z0-9.-]+$/);
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.remediation.length, c.id).toBeGreaterThan(5);
      const levels = Object.entries(c.levels);
      expect(levels.length, c.id).toBeGreaterThan(0);
      for (const [profile, level] of levels) {
        expect(['server', 'workstation'], c.id).toContain(profile);
        expect([1, 2], c.id).toContain(level);
      }
    }
    expect(JSON.parse(JSON.stringify(b.checks))).toEqual(b.checks);
  });
});

describe('CIS Debian 12', () => {
  const cis = benchmark('cis-debian12');

  it('references every check by CIS section and (but for a listed few) SSG rule id', () => {
    for (const c of cis.checks) {
      expect(c.cisSection, c.id).toMatch(/^\d+(\.\d+)+$/);
      expect(c.id.startsWith(`cis-d12-${c.cisSection}`), c.id).toBe(true);
      if (c.ssgRuleId === undefined) expect(WITHOUT_SSG_RULE, c.id).toHaveProperty([c.id]);
      else expect(c.ssgRuleId, c.id).toMatch(/^[a-z0-9_-]+$/);
    }
  });

  it('has at least 120 automated Level 1 server checks across every area the benchmark covers', () => {
    const l1 = selectChecks(cis, 1, 'server');
    expect(l1.length).toBeGreaterThanOrEqual(120);
    const area = (prefix: string) => l1.filter((c) => c.cisSection?.startsWith(prefix)).length;
    expect({
      modules: area('1.1.1.'),
      mounts: area('1.1.2.'),
      services: area('2.1.') + area('2.2.'),
      sysctl: area('3.3.'),
      sshd: area('5.1.'),
      pam: area('5.3.'),
      accounts: area('5.4.'),
      logging: area('6.1.'),
      permissions: area('7.1.'),
      usersGroups: area('7.2.'),
    }).toEqual({
      modules: expect.any(Number) as number,
      mounts: expect.any(Number) as number,
      services: expect.any(Number) as number,
      sysctl: 23,
      sshd: expect.any(Number) as number,
      pam: expect.any(Number) as number,
      accounts: expect.any(Number) as number,
      logging: expect.any(Number) as number,
      permissions: 30,
      usersGroups: expect.any(Number) as number,
    });
    for (const prefix of ['1.1.1.', '1.1.2.', '2.1.', '5.1.', '5.3.', '5.4.', '6.1.', '7.2.'])
      expect(area(prefix), prefix).toBeGreaterThanOrEqual(5);
  });

  it('makes Level 2 a superset of Level 1, and the workstation profile differ where CIS says', () => {
    const ids = (level: 1 | 2, profile: 'server' | 'workstation') =>
      new Set(selectChecks(cis, level, profile).map((c) => c.id));
    for (const profile of ['server', 'workstation'] as const) {
      const l1 = ids(1, profile);
      const l2 = ids(2, profile);
      expect([...l1].filter((id) => !l2.has(id))).toEqual([]);
      expect(l2.size).toBeGreaterThan(l1.size);
    }
    expect(ids(1, 'server').has('cis-d12-1.1.1.9')).toBe(true); // usb-storage: L1 server, L2 workstation
    expect(ids(1, 'workstation').has('cis-d12-1.1.1.9')).toBe(false);
    expect(ids(1, 'workstation').has('cis-d12-5.1.8')).toBe(true); // sshd forwarding: L1 workstation, L2 server
    expect(ids(1, 'server').has('cis-d12-5.1.8')).toBe(false);
    expect(ids(2, 'workstation').has('cis-d12-1.7.1')).toBe(false); // a workstation keeps its display manager
  });
});

describe('security best practices', () => {
  it('covers the Classic list, each check with a severity', () => {
    const sbp = benchmark('security-best-practices');
    const ids = sbp.checks.map((c) => c.id);
    for (const id of [
      'sbp-ssh-root-login',
      'sbp-ssh-protocol-2',
      'sbp-ssh-password-auth',
      'sbp-password-max-age',
      'sbp-password-min-length',
      'sbp-password-complexity',
      'sbp-aslr',
      'sbp-nx',
    ]) {
      expect(ids).toContain(id);
    }
    expect(ids.filter((id) => id.startsWith('sbp-system-dir-')).length).toBeGreaterThanOrEqual(5);
    for (const c of sbp.checks) expect(c.severity, c.id).toBeDefined();
  });
});
