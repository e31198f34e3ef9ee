import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { factsNeeded } from '../../src/checks/assess-root.js';
import { collectFacts } from '../../src/checks/facts/fact-collector.js';
import type { AssessmentFacts } from '../../src/checks/facts/fact-model.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { call } from '../server/api-server.js';
import { checkin, type Host, type Reply } from '../server/fleet/agent-client.js';
import { startFleetServer, type FleetServer } from '../server/fleet/fleet-server.js';
import { BACKENDS } from '../server/service-db-backends.js';

/**
 * Classic assessments through the real HTTP server on SQLite and PostgreSQL, with a moved clock and
 * the agent's half of the wire driven by hand (test/agent/agent-classic.test.ts runs real agents):
 * targets and templates with their validation, a run over tagged hosts (one assessed from real facts
 * of a debootstrapped bookworm root, one excluded for its OS, one for having no agent), CONFIGURATION
 * findings with Classic severities and the template's attributes, suppression, a rule fixed on a later
 * run closing its finding, a cron schedule fired by the clock, an agent that never answers, events in
 * the outbox, and another account's key seeing nothing.
 */
const A = '/v1/accounts/acct-f';
const ALL = ['CVE', 'CIS', 'NETWORK_REACHABILITY', 'SECURITY_BEST_PRACTICES'];

interface Run {
  assessmentRunId: string;
  state: string;
  trigger: string;
  stateChanges: { state: string }[];
  exclusions: { resourceId: string; reason: string }[];
  packages?: Record<string, { findingCount: number; findingIds: string[] }>;
}

let facts: AssessmentFacts;

beforeAll(async () => {
  // What an agent sends when asked (src/agent/assessment-report.ts): CIS Level 1 plus best practices.
  const root = await debianRootfs({ suite: 'bookworm' });
  const keys = ['cis-debian12', 'security-best-practices'].flatMap((benchmark) =>
    factsNeeded({ benchmark, level: 1, profile: 'server' }),
  );
  facts = await collectFacts(new DirectoryResolver(root), [...new Set(keys)].sort(), { mode: 'rootfs' });
}, 600_000);

for (const make of BACKENDS) {
  const backend = make();
  describe(`Classic assessments on ${backend.name}`, () => {
    let db: ServiceDb;
    let f: FleetServer;
    let web: Host;
    let templateId = '';
    const api = (method: string, path: string, body?: unknown, key?: string) =>
      call(f.base, key ?? f.keys.admin, method, path, body);
    const heartbeat = (h: Host, extra: Record<string, unknown> = {}): Promise<Reply> =>
      checkin(f.base, h, { hash: '', sentAt: f.clock.now.toISOString(), extra });
    const run = async (id: string): Promise<Run> => {
      const r = await api('GET', `${A}/assessment-runs/${id}`);
      expect(r.status).toBe(200);
      return r.json as Run;
    };
    const configFindings = async (): Promise<Finding[]> => {
      const filter = JSON.stringify({ findingType: [{ comparison: 'EQUALS', value: 'CONFIGURATION' }] });
      const r = await api('GET', `/v1/findings?maxResults=500&filter=${encodeURIComponent(filter)}`);
      expect(r.status).toBe(200);
      return (r.json as { findings: Finding[] }).findings;
    };
    /** A manual run, the web host's answer with `sent` facts, and the scheduler's evaluation. */
    const runWith = async (sent: AssessmentFacts, template = templateId): Promise<Run> => {
      const started = await api('POST', `${A}/assessment-templates/${template}/runs`);
      expect(started.status).toBe(201);
      const id = (started.json as Run).assessmentRunId;
      expect((await heartbeat(web)).json['assessmentRequest']).toMatchObject({
        alsoBenchmarks: ['security-best-practices'],
      });
      expect((await heartbeat(web, { assessmentFacts: sent })).status).toBe(200);
      await f.runJob('classic-assessments');
      return run(id);
    };

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      f = await startFleetServer(db, undefined);
      const token = await f.createToken({ tags: { tier: 'web' } });
      web = await f.enroll(token, 'a'.repeat(32));
      await f.enroll(token, 'b'.repeat(32), { os: { id: 'debian', versionId: '11' } });
      await f.enroll(await f.createToken({ tags: { tier: 'db' } }), 'c'.repeat(32));
      const pushed = await api('POST', `${A}/resources`, {
        id: 'pushed-1',
        type: 'HOST',
        tags: { tier: 'web' },
      });
      expect(pushed.status).toBe(201);
    }, 120_000);
    afterAll(async () => {
      await f.close();
      await db.close();
      await backend.teardown();
    });

    it('targets and templates: admin keys write, member keys read, bad input is a 400 naming its path', async () => {
      const target = { name: 'web', resourceTags: { tier: ['web'] } };
      expect((await api('POST', `${A}/assessment-targets`, target, f.keys.member)).status).toBe(403);
      const t = await api('POST', `${A}/assessment-targets`, target);
      expect(t.status).toBe(201);
      const targetId = (t.json as { assessmentTargetId: string }).assessmentTargetId;
      const body = {
        name: 'web weekly',
        assessmentTargetId: targetId,
        rulesPackages: ALL,
        durationInSeconds: 600,
        userAttributes: [{ key: 'owner', value: 'team-web' }],
        eventSubscriptions: ['ASSESSMENT_RUN_STARTED', 'ASSESSMENT_RUN_COMPLETED', 'FINDING_REPORTED'],
      };
      const bad: [unknown, string][] = [
        [{ ...body, rulesPackages: ['CVE', 'CIS-L9'] }, '/rulesPackages/1'],
        [{ ...body, durationInSeconds: 5 }, '/durationInSeconds'],
        [{ ...body, schedule: { cron: 'every day', timezone: 'UTC' } }, '/schedule/cron'],
        [{ ...body, schedule: { cron: '0 3 * * *', timezone: 'Mars/Base' } }, '/schedule/timezone'],
        [{ ...body, eventSubscriptions: ['RUN_DONE'] }, '/eventSubscriptions/0'],
        [{ ...body, userAttributes: [{ key: 'owner', value: 'x', extra: 1 }] }, '/userAttributes/0/extra'],
        [{ ...body, assessmentTargetId: 'atgt-missing' }, '/assessmentTargetId'],
        [{ ...body, colour: 'blue' }, '/colour'],
      ];
      for (const [b, path] of bad) {
        const r = await api('POST', `${A}/assessment-templates`, b);
        expect({ path, status: r.status, details: r.json }).toMatchObject({
          path,
          status: 400,
          details: { code: 'VALIDATION', details: { path } },
        });
      }
      expect(
        ((await api('GET', `${A}/assessment-templates`)).json as { assessmentTemplates: unknown[] })
          .assessmentTemplates,
      ).toEqual([]);
      const made = await api('POST', `${A}/assessment-templates`, body);
      expect(made.status).toBe(201);
      templateId = (made.json as { assessmentTemplateId: string }).assessmentTemplateId;
      const read = await api('GET', `${A}/assessment-templates/${templateId}`, undefined, f.keys.member);
      expect(read).toMatchObject({ status: 200, json: { rulesPackages: ALL, durationInSeconds: 600 } });
      expect((await api('DELETE', `${A}/assessment-targets/${targetId}`)).status).toBe(400);
    });

    it('a run: CIS and best-practice failures become CONFIGURATION findings; exclusions name the hosts', async () => {
      const r = await runWith(facts);
      expect(r.state).toBe('COMPLETED');
      expect(r.stateChanges.map((s) => s.state)).toEqual([
        'CREATED',
        'COLLECTING_DATA',
        'EVALUATING_RULES',
        'COMPLETED',
      ]);
      expect(Object.fromEntries(r.exclusions.map((e) => [e.resourceId, e.reason]))).toEqual({
        [`host:${'b'.repeat(32)}`]: 'UNSUPPORTED_OS',
        'pushed-1': 'NO_AGENT',
      });
      const found = await configFindings();
      const cis = found.filter((x) => x.configurationDetails?.rulesPackage === 'CIS');
      const sbp = found.filter((x) => x.configurationDetails?.rulesPackage === 'SECURITY_BEST_PRACTICES');
      expect(cis.length).toBeGreaterThan(20);
      expect(sbp.length).toBeGreaterThan(0);
      expect(r.packages).toMatchObject({
        CIS: { findingCount: cis.length },
        SECURITY_BEST_PRACTICES: { findingCount: sbp.length },
        CVE: { findingCount: 0 },
        NETWORK_REACHABILITY: { findingCount: 0 },
      });
      expect(new Set(r.packages?.['CIS']?.findingIds)).toEqual(new Set(cis.map((x) => x.id)));
      const maxAge = sbp.find((x) => x.configurationDetails?.checkId === 'sbp-password-max-age');
      expect(maxAge).toMatchObject({
        status: 'ACTIVE',
        severity: 'MEDIUM',
        resources: [{ id: web.resourceId, type: 'HOST' }],
        remediation: { recommendation: { text: 'Set PASS_MAX_DAYS (at most 365) in /etc/login.defs.' } },
        configurationDetails: {
          classicSeverity: 'Medium',
          assessmentRunId: r.assessmentRunId,
          userAttributes: [{ key: 'owner', value: 'team-web' }],
        },
      });
      expect(
        cis.every((x) => x.severity === 'HIGH' && x.configurationDetails?.classicSeverity === 'High'),
      ).toBe(true);
      const events = await db.kysely
        .selectFrom('outbox')
        .select(['type', 'subject'])
        .where('type', 'like', 'vigil.assessment-run.%')
        .execute();
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect({
        started: count('vigil.assessment-run.started'),
        completed: count('vigil.assessment-run.completed'),
        reported: count('vigil.assessment-run.finding-reported'),
      }).toEqual({ started: 1, completed: 1, reported: found.length });
    });

    it('a later run: a fixed rule closes its finding, a suppressed one stays suppressed, the rest are the same findings', async () => {
      const before = await configFindings();
      const rule = await api('POST', `${A}/suppression-rules`, {
        name: 'web accepts ssh root login',
        reason: 'bastion only',
        filter: {
          findingType: [{ comparison: 'EQUALS', value: 'CONFIGURATION' }],
          resourceId: [{ comparison: 'EQUALS', value: web.resourceId }],
        },
      });
      expect(rule.status).toBe(201);
      const fixed = structuredClone(facts);
      fixed.facts['login.defs:PASS_MAX_DAYS'] = {
        status: 'ok',
        fact: { type: 'value', value: '365', origin: '/etc/login.defs:1' },
      };
      const r = await runWith(fixed);
      expect(r.state).toBe('COMPLETED');
      const after = await configFindings();
      const byCheck = (list: Finding[], id: string) =>
        list.find((x) => x.configurationDetails?.checkId === id);
      const closed = byCheck(after, 'sbp-password-max-age');
      expect(closed).toMatchObject({ status: 'CLOSED', id: byCheck(before, 'sbp-password-max-age')?.id });
      const open = after.filter((x) => x.status !== 'CLOSED');
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((x) => x.status === 'SUPPRESSED')).toBe(true);
      expect(open.every((x) => before.some((b) => b.id === x.id))).toBe(true);
      expect(open.every((x) => x.configurationDetails?.assessmentRunId === r.assessmentRunId)).toBe(true);
    });

    it('a run of the CIS package alone leaves the best-practice findings as they are', async () => {
      const before = await configFindings();
      const targetId = (
        (await api('GET', `${A}/assessment-templates/${templateId}`)).json as { assessmentTargetId: string }
      ).assessmentTargetId;
      const cisOnly = await api('POST', `${A}/assessment-templates`, {
        name: 'cis only',
        assessmentTargetId: targetId,
        rulesPackages: ['CIS'],
        durationInSeconds: 600,
      });
      const r = await runWith(facts, (cisOnly.json as { assessmentTemplateId: string }).assessmentTemplateId);
      expect(r.state).toBe('COMPLETED');
      const sbp = (list: Finding[]) =>
        list
          .filter((x) => x.configurationDetails?.rulesPackage === 'SECURITY_BEST_PRACTICES')
          .map((x) => [x.id, x.status, x.lastObservedAt]);
      const after = await configFindings();
      expect(sbp(after)).toEqual(sbp(before));
      expect(sbp(after).filter(([, status]) => status === 'SUPPRESSED').length).toBeGreaterThan(0);
      expect(Object.keys(r.packages ?? {})).toEqual(['CIS']);
      expect(r.packages?.['CIS']?.findingCount).toBeGreaterThan(20);
    });

    it('a cron schedule fires when the moved clock reaches it; an agent that never answers is excluded', async () => {
      const target = await api('POST', `${A}/assessment-targets`, { name: 'all' });
      const made = await api('POST', `${A}/assessment-templates`, {
        name: 'nightly',
        assessmentTargetId: (target.json as { assessmentTargetId: string }).assessmentTargetId,
        rulesPackages: ['CIS'],
        durationInSeconds: 120,
        schedule: { cron: '30 2 * * *', timezone: 'Europe/Paris' },
      });
      expect(made.status).toBe(201);
      const t = made.json as { assessmentTemplateId: string; nextRunAt: string };
      const next = Date.parse(t.nextRunAt);
      expect(new Date(next).toISOString().slice(11, 16)).toMatch(/^0[01]:30$/);
      f.clock.now = new Date(next - 1000);
      await f.runJob('classic-assessments');
      // The web host's agent is alive at the run's start (the others went offline hours ago).
      expect((await heartbeat(web)).status).toBe(200);
      const runsOf = async () =>
        (
          (await api('GET', `${A}/assessment-runs?assessmentTemplateId=${t.assessmentTemplateId}`)).json as {
            assessmentRuns: Run[];
          }
        ).assessmentRuns;
      expect(await runsOf()).toEqual([]);
      f.clock.now = new Date(next + 1000);
      await f.runJob('classic-assessments');
      const [started] = await runsOf();
      expect(started).toMatchObject({ trigger: 'SCHEDULE', state: 'COLLECTING_DATA' });
      // Nobody answers: the duration runs out, the CIS scan gives up, the run is evaluated.
      f.advance(121);
      await f.runJob('cis-scans');
      await f.runJob('classic-assessments');
      const r = await run(started?.assessmentRunId ?? '');
      expect(r.state).toBe('FAILED');
      expect(r.exclusions.find((e) => e.resourceId === web.resourceId)?.reason).toBe('AGENT_OFFLINE');
      expect(
        (
          (await api('GET', `${A}/assessment-templates/${t.assessmentTemplateId}`)).json as {
            nextRunAt: string;
          }
        ).nextRunAt,
      ).toBe(new Date(next + 86_400_000).toISOString());
    });

    it("another account's key sees no target, template or run", async () => {
      const other = (await createApiKey(db.kysely, { accountId: 'acct-g', role: 'admin' })).key;
      const runs = ((await api('GET', `${A}/assessment-runs`)).json as { assessmentRuns: Run[] })
        .assessmentRuns;
      expect(runs.length).toBe(4);
      const id = runs[0]?.assessmentRunId ?? '';
      expect((await api('GET', `${A}/assessment-runs/${id}`, undefined, other)).status).toBe(404);
      expect((await api('GET', `/v1/accounts/acct-g/assessment-runs/${id}`, undefined, other)).status).toBe(
        404,
      );
      expect(
        (await api('POST', `${A}/assessment-templates/${templateId}/runs`, undefined, other)).status,
      ).toBe(404);
    });
  });
}
