import { describe, expect, it } from 'vitest';
import { assessFacts, validateFacts } from '../assess-root.js';
import {
  all,
  any,
  check,
  field,
  kv,
  lines,
  not,
  notInstalled,
  paths,
  records,
  value,
} from '../benchmarks/check-builders.js';
import { FACTS_SCHEMA_ID, type AssessmentFacts, type FactResult } from '../facts/fact-model.js';
import type { Condition } from '../model/check-model.js';
import { evaluateCheck } from './check-evaluator.js';
import { evaluateCondition } from './condition-evaluator.js';
import { checkProblems } from './condition-validator.js';

const F: Record<string, FactResult> = {
  'sysctl:net.ipv4.ip_forward': {
    status: 'ok',
    fact: { type: 'value', value: '0', origin: '/etc/sysctl.d/a.conf:1' },
  },
  'sysctl:kernel.randomize_va_space': {
    status: 'ok',
    fact: { type: 'value', note: 'set in none of 2 files' },
  },
  'sshd:maxstartups': { status: 'ok', fact: { type: 'value', value: '10:30:100', origin: 'sshd default' } },
  'sshd:loglevel': {
    status: 'ok',
    fact: { type: 'value', value: 'VERBOSE', origin: '/etc/ssh/sshd_config:3' },
  },
  'kv:pwquality:minlen': {
    status: 'ok',
    fact: { type: 'value', value: 'abc', origin: '/etc/security/pwquality.conf:1' },
  },
  'package:telnet': { status: 'ok', fact: { type: 'value', note: 'telnet is not installed' } },
  'lines:modprobe': {
    status: 'ok',
    fact: {
      type: 'lines',
      files: ['/etc/modprobe.d/a.conf'],
      lines: [
        { text: 'install cramfs /bin/false', origin: '/etc/modprobe.d/a.conf:1' },
        { text: 'blacklist cramfs', origin: '/etc/modprobe.d/a.conf:2' },
        { text: 'options snd index=0', origin: '/etc/modprobe.d/a.conf:3' },
      ],
    },
  },
  'lines:sudoers': { status: 'ok', fact: { type: 'lines', files: [], lines: [] } },
  'paths:/etc/shadow': {
    status: 'ok',
    fact: {
      type: 'paths',
      paths: [
        { path: '/etc/shadow', type: 'file', mode: '0644', uid: 0, gid: 42, user: 'root', group: 'shadow' },
      ],
    },
  },
  'paths:/etc/cron.allow': { status: 'ok', fact: { type: 'paths', paths: [] } },
  'records:passwd': {
    status: 'ok',
    fact: {
      type: 'records',
      origin: '/etc/passwd',
      rows: [
        { name: 'root', uid: '0', gid: '0', password: 'x' },
        { name: 'toor', uid: '0', gid: '0', password: 'x' },
        { name: 'alice', uid: '1000', gid: '1000', password: '' },
      ],
    },
  },
  'pam:common-auth': { status: 'error', reason: '/etc/pam.d/common-auth: symlink-escape, not read' },
  'unit:cron.service': { status: 'unsupported', reason: 'image example cannot list unit links' },
};
const FACTS: AssessmentFacts = {
  schema: FACTS_SCHEMA_ID,
  target: { description: 'fixture', mode: 'rootfs' },
  facts: F,
};
const ev = (c: Condition) => evaluateCondition(c, FACTS);

describe('condition evaluator', () => {
  it('compares values: equality, numbers, parts, lists, regex, case', () => {
    expect(ev(value('sysctl:net.ipv4.ip_forward', 'eq', '0'))).toEqual({
      status: 'pass',
      reason: 'net.ipv4.ip_forward = 0 (/etc/sysctl.d/a.conf:1)',
    });
    expect(ev(value('sshd:maxstartups', 'le', 60, { part: { separator: ':', index: 2 } }))).toEqual({
      status: 'fail',
      reason: 'sshd maxstartups = 10:30:100 (sshd default); expected ≤ 60 for part 3 of ":"',
    });
    expect(ev(value('sshd:loglevel', 'in', ['info', 'verbose'], { ignoreCase: true })).status).toBe('pass');
    expect(ev(value('sshd:loglevel', 'in', ['info', 'verbose'])).status).toBe('fail');
    expect(ev(value('sshd:loglevel', 'match', '^VERB')).status).toBe('pass');
    expect(ev(kv('pwquality', 'minlen', 'ge', 14))).toEqual({
      status: 'fail',
      reason: 'pwquality minlen = abc (/etc/security/pwquality.conf:1), not a number; expected ≥ 14',
    });
  });

  it('treats a value set nowhere as a failure unless the test says otherwise', () => {
    expect(ev(value('sysctl:kernel.randomize_va_space', 'eq', '2'))).toEqual({
      status: 'fail',
      reason: 'kernel.randomize_va_space is not set (set in none of 2 files); expected 2',
    });
    expect(ev(value('sysctl:kernel.randomize_va_space', 'eq', '2', { ifMissing: 'pass' })).status).toBe(
      'pass',
    );
    expect(ev({ value: 'package:telnet', op: 'unset' })).toEqual({
      status: 'pass',
      reason: 'package telnet is not installed',
    });
  });

  it('matches lines: some, none, every line selected by where, and absent files', () => {
    expect(ev(lines('lines:modprobe', { some: '^blacklist cramfs$' }))).toEqual({
      status: 'pass',
      reason: 'found "blacklist cramfs" (/etc/modprobe.d/a.conf:2)',
    });
    expect(ev(lines('lines:modprobe', { none: '^options ' }))).toEqual({
      status: 'fail',
      reason: 'found "options snd index=0" (/etc/modprobe.d/a.conf:3)',
    });
    expect(ev(lines('lines:modprobe', { every: '/bin/false$', where: '^install ' })).status).toBe('pass');
    expect(ev(lines('lines:modprobe', { every: '/bin/true$', where: '^install ' })).status).toBe('fail');
    expect(ev(lines('lines:sudoers', { some: 'use_pty' })).status).toBe('fail');
    expect(ev(lines('lines:sudoers', { none: 'NOPASSWD' })).status).toBe('pass');
  });

  it('checks a mode mask, owner and group, and absence', () => {
    expect(ev(paths('/etc/shadow', { maxMode: '0640', owner: ['root'], group: ['root', 'shadow'] }))).toEqual(
      {
        status: 'fail',
        reason: '/etc/shadow is file 0644 root:shadow (expected at most 0640, extra bits 0004)',
      },
    );
    expect(ev(paths('/etc/shadow', { maxMode: '0644', group: ['42'] })).status).toBe('pass');
    expect(ev(paths('/etc/cron.allow', { maxMode: '0640' })).status).toBe('fail');
    expect(ev(paths('/etc/cron.allow', { maxMode: '0640', ifMissing: 'pass' })).status).toBe('pass');
    expect(ev(paths('/etc/cron.allow', { absent: true })).status).toBe('pass');
  });

  it('tests records: every, none, unique', () => {
    expect(
      ev(records('passwd', { where: { uid: field('eq', '0') }, every: { name: field('eq', 'root') } })),
    ).toEqual({
      status: 'fail',
      reason: '/etc/passwd: toor; name root',
    });
    expect(ev(records('passwd', { unique: 'uid' }))).toEqual({
      status: 'fail',
      reason: '/etc/passwd: uid 0 is shared by root, toor',
    });
    expect(ev(records('passwd', { where: { password: field('eq', '') }, none: true })).status).toBe('fail');
    expect(
      ev(records('passwd', { where: { uid: field('ge', 1000) }, every: { gid: field('ge', 1000) } })).status,
    ).toBe('pass');
  });

  it('combines: a failure decides all, a pass decides any, otherwise errors and skips carry through', () => {
    const error = lines('pam:common-auth', { some: 'pam_faillock' });
    const skip = value('unit:cron.service', 'eq', 'enabled');
    const failing = value('sysctl:net.ipv4.ip_forward', 'eq', '1');
    const passing = value('sysctl:net.ipv4.ip_forward', 'eq', '0');
    expect(ev(all(error, failing)).status).toBe('fail');
    expect(ev(all(error, passing))).toEqual({
      status: 'error',
      reason: '/etc/pam.d/common-auth: symlink-escape, not read',
    });
    expect(ev(all(skip, passing))).toEqual({
      status: 'skip',
      reason: 'image example cannot list unit links',
    });
    expect(ev(any(error, passing)).status).toBe('pass');
    expect(ev(any(skip, failing)).status).toBe('skip');
    expect(ev(not(passing)).status).toBe('fail');
    expect(ev(value('sysctl:not.collected', 'eq', '1'))).toEqual({
      status: 'skip',
      reason: 'fact sysctl:not.collected was not collected',
    });
  });
});

describe('check evaluator', () => {
  const sample = check(
    {
      id: 'x-1',
      title: 'cramfs off',
      remediation: 'do it',
      section: '1.1.1.1',
      ssg: 'kernel_module_cramfs_disabled',
      applicable: notInstalled('telnet'),
    },
    all(
      lines('lines:modprobe', { some: '^install cramfs ' }),
      lines('lines:modprobe', { some: '^blacklist cramfs$' }),
    ),
  );

  it('gives every status with a reason, NOT_APPLICABLE from the applicability condition', () => {
    expect(evaluateCheck(sample, FACTS, 'server')).toMatchObject({
      checkId: 'x-1',
      level: 1,
      status: 'PASSED',
      cisSection: '1.1.1.1',
      ssgRuleId: 'kernel_module_cramfs_disabled',
    });
    const na = { ...sample, applicable: { value: 'package:telnet', op: 'set' } as Condition };
    expect(evaluateCheck(na, FACTS, 'server')).toMatchObject({
      status: 'NOT_APPLICABLE',
      statusReason: 'package telnet is not installed',
    });
  });

  it('is deterministic: the same facts, through JSON, give the same results', () => {
    const once = assessFacts(JSON.parse(JSON.stringify(FACTS)), {
      benchmark: 'security-best-practices',
      level: 1,
      profile: 'server',
    });
    const twice = assessFacts(FACTS, { benchmark: 'security-best-practices', level: 1, profile: 'server' });
    expect(once).toEqual(twice);
    expect(once.results.every((r) => r.statusReason.length > 0)).toBe(true);
  });

  it('refuses facts documents that do not follow the schema, with the path of each problem', () => {
    expect(() => validateFacts({ schema: 'other', target: {}, facts: {} })).toThrow(
      /ASSESSMENT_FACTS_INVALID|assessment facts are invalid/,
    );
    expect(() =>
      validateFacts({
        ...FACTS,
        facts: { x: { status: 'ok', fact: { type: 'paths', paths: [{ mode: 'rwx' }] } } },
      }),
    ).toThrow(/\/facts\/x/);
  });

  it('finds what is wrong with a check as data', () => {
    const bad = {
      ...sample,
      facts: ['lines:modprobe', 'sysctl:never.read'],
      condition: {
        all: [
          lines('lines:modprobe', { some: '(' }),
          value('kv:nope:x', 'le', 'ten'),
          lines('lines:modprobe', { some: 'a', none: 'b' }),
        ],
      },
    };
    expect(checkProblems(bad)).toEqual([
      'unknown fact key kv:nope:x',
      'reads kv:nope:x without declaring it',
      'reads package:telnet without declaring it',
      'declares sysctl:never.read and never reads it',
      expect.stringMatching(/^bad pattern \/\(\/: /),
      'operator le needs a number, got ten',
      'lines test needs exactly one of some/none/every (lines:modprobe)',
    ]);
  });
});
