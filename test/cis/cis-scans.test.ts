import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { assessFacts, assessRoot } from '../../src/checks/assess-root.js';
import type { AssessmentFacts } from '../../src/checks/facts/fact-model.js';
import type { CheckResult } from '../../src/checks/model/check-result.js';
import { readCheckinAssessmentFacts, receiveAssessmentFacts } from '../../src/scan/cis/cis-facts-intake.js';
import {
  cisTargetsAwaitingEvaluation,
  evaluateCisTarget,
  failCisTargetEvaluation,
} from '../../src/scan/cis/cis-target-evaluate.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { requireTool } from '../fixtures/required-tool.js';
import { call } from '../server/api-server.js';
import { checkin, post, type Host, type Reply } from '../server/fleet/agent-client.js';
import { INTERVAL_SECONDS, startFleetServer, type FleetServer } from '../server/fleet/fleet-server.js';
import { BACKENDS } from '../server/service-db-backends.js';

/**
 * CIS scans through the real HTTP server on SQLite and PostgreSQL, with a moved clock and the agent's
 * half of the wire driven by hand (test/agent/agent-cis-scan.test.ts runs the real agent): the
 * configuration routes and their validation, a one-time scan over tagged hosts (one assessed from
 * real facts of a debootstrapped bookworm root, one skipped for its OS, one without an agent), facts
 * refused whole, a daily schedule fired by the clock, a scan that times out, a cancel, CIS coverage,
 * and another account's key seeing nothing.
 */
const CONFIGS = '/v1/accounts/acct-f/cis-scan-configurations';
const SCANS = '/v1/accounts/acct-f/cis-scans';
const HASH = '';
const DB_HOST = `host:${'c'.repeat(32)}`;

interface Scan {
  scanId: string;
  status: string;
  statusReason?: string;
  totalChecks: number;
  failedChecks: number;
  targets: Record<string, number>;
}

let facts: AssessmentFacts;

beforeAll(async () => {
  const root = await debianRootfs({ suite: 'bookworm' });
  facts = (
    await assessRoot(new DirectoryResolver(root), { benchmark: 'cis-debian12', level: 2, profile: 'server' })
  ).facts;
}, 600_000);

for (const make of BACKENDS) {
  const backend = make();
  describe(`CIS scans on ${backend.name}`, () => {
    let db: ServiceDb;
    let f: FleetServer;
    let otherAdmin = '';
    let web: Host;
    let old: Host;
    const api = (method: string, path: string, body?: unknown, key?: string) =>
      call(f.base, key ?? f.keys.admin, method, path, body);
    const heartbeat = (h: Host, extra: Record<string, unknown> = {}): Promise<Reply> =>
      checkin(f.base, h, { hash: HASH, sentAt: f.clock.now.toISOString(), extra });
    const scanOf = async (id: string): Promise<Scan> => {
      const r = await api('GET', `${SCANS}/${id}`);
      expect(r.status).toBe(200);
      return r.json as Scan;
    };
    const scans = async (): Promise<Scan[]> => ((await api('GET', SCANS)).json as { scans: Scan[] }).scans;
    const coverage = async (): Promise<Record<string, string>> => {
      const r = await api('GET', '/v1/accounts/acct-f/cis-coverage');
      expect(r.status).toBe(200);
      const list = (r.json as { coveredResources: { resourceId: string; scanStatus: { reason: string } }[] })
        .coveredResources;
      // ListCoverage with scanType CIS says the same, page by page (maxResults 2 walks the tokens).
      const filter = encodeURIComponent(
        JSON.stringify({
          scanType: [{ comparison: 'EQUALS', value: 'CIS' }],
          accountId: [{ comparison: 'EQUALS', value: 'acct-f' }],
        }),
      );
      const listed: typeof list = [];
      let token: string | undefined;
      do {
        const page = await api(
          'GET',
          `/v1/coverage?filter=${filter}&maxResults=2${token ? `&nextToken=${token}` : ''}`,
        );
        expect(page.status).toBe(200);
        const body = page.json as {
          coveredResources: typeof list & { scanType: string }[];
          nextToken?: string;
        };
        for (const c of body.coveredResources) expect(c.scanType).toBe('CIS');
        listed.push(...body.coveredResources);
        token = body.nextToken;
      } while (token);
      expect(listed.map((c) => [c.resourceId, c.scanStatus.reason])).toEqual(
        [...list]
          .sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1))
          .map((c) => [c.resourceId, c.scanStatus.reason]),
      );
      // ListCoverageStatistics with the same filter counts the rows the pages gave, in all and by reason.
      const stats = async (groupBy = '') => {
        const r = await api(
          'GET',
          `/v1/coverage/statistics?filter=${filter}${groupBy && `&groupBy=${groupBy}`}`,
        );
        expect(r.status).toBe(200);
        return r.json as { totalCounts: number; countsByGroup: { groupKey: string; count: number }[] };
      };
      expect(listed.length).toBeGreaterThan(0);
      expect(await stats()).toEqual({ countsByGroup: [], totalCounts: listed.length });
      const byReason: Record<string, number> = {};
      for (const c of listed) byReason[c.scanStatus.reason] = (byReason[c.scanStatus.reason] ?? 0) + 1;
      const grouped = await stats('SCAN_STATUS_REASON');
      expect(Object.fromEntries(grouped.countsByGroup.map((g) => [g.groupKey, g.count]))).toEqual(byReason);
      expect(grouped.totalCounts).toBe(listed.length);
      return Object.fromEntries(list.map((c) => [c.resourceId, c.scanStatus.reason]));
    };

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      f = await startFleetServer(db, undefined);
      otherAdmin = (await createApiKey(db.kysely, { accountId: 'acct-g', role: 'admin' })).key;
      const token = await f.createToken({ tags: { tier: 'web' } });
      web = await f.enroll(token, 'a'.repeat(32));
      old = await f.enroll(token, 'b'.repeat(32), { os: { id: 'debian', versionId: '11' } });
      await f.enroll(await f.createToken({ tags: { tier: 'db' } }), 'c'.repeat(32));
      const agentless = await api('POST', '/v1/accounts/acct-f/resources', {
        id: 'pushed-1',
        type: 'HOST',
        tags: { tier: 'web' },
      });
      expect(agentless.status).toBe(201);
    }, 120_000);
    afterAll(async () => {
      await f.close();
      await db.close();
      await backend.teardown();
    });

    it('configurations: admin keys write, member keys read, bad input is a 400 naming its path', async () => {
      const body = {
        scanName: 'nightly web',
        securityLevel: 'LEVEL_1',
        schedule: { daily: { startTime: { timeOfDay: '02:30', timezone: 'Europe/Paris' } } },
        targets: { targetResourceTags: { tier: ['web'] } },
      };
      expect((await api('POST', CONFIGS, body, f.keys.member)).status).toBe(403);
      const made = await api('POST', CONFIGS, body);
      expect(made.status).toBe(201);
      const c = made.json as { scanConfigurationId: string; nextRunAt: string; targets: unknown };
      // 02:30 in Paris on 2026-03-01 (UTC+1) is 01:30 UTC; the clock starts at 00:00 UTC.
      expect(c.nextRunAt).toBe('2026-03-01T01:30:00.000Z');
      expect(c.targets).toEqual({ accountIds: ['acct-f'], targetResourceTags: { tier: ['web'] } });
      const read = await api('GET', `${CONFIGS}/${c.scanConfigurationId}`, undefined, f.keys.member);
      expect(read).toMatchObject({ status: 200, json: { scanName: 'nightly web' } });
      const bad: [unknown, string][] = [
        [
          { ...body, schedule: { daily: { startTime: { timeOfDay: '25:00', timezone: 'UTC' } } } },
          '/schedule/daily/startTime/timeOfDay',
        ],
        [
          { ...body, schedule: { daily: { startTime: { timeOfDay: '02:00', timezone: 'Mars/Base' } } } },
          '/schedule/daily/startTime/timezone',
        ],
        [
          {
            ...body,
            schedule: { weekly: { startTime: { timeOfDay: '02:00', timezone: 'UTC' }, days: ['FUN'] } },
          },
          '/schedule/weekly/days/0',
        ],
        [{ ...body, securityLevel: 'LEVEL_3' }, '/securityLevel'],
        [{ ...body, targets: { accountIds: ['acct-g'] } }, '/targets/accountIds/0'],
        [{ ...body, scanname: 'typo' }, '/scanname'],
      ];
      for (const [b, path] of bad) {
        const r = await api('POST', CONFIGS, b);
        expect({ path, status: r.status, details: (r.json as { details?: unknown }).details }).toMatchObject({
          path,
          status: 400,
          details: { path },
        });
      }
      expect((await api('GET', CONFIGS)).json).toMatchObject({
        scanConfigurations: [{ scanName: 'nightly web' }],
      });
      expect(
        (await api('DELETE', `${CONFIGS}/${c.scanConfigurationId}`, undefined, f.keys.member)).status,
      ).toBe(403);
      expect((await api('DELETE', `${CONFIGS}/${c.scanConfigurationId}`)).status).toBe(204);
      expect((await api('GET', `${CONFIGS}/${c.scanConfigurationId}`)).status).toBe(404);
    });

    let scanId = '';
    it('a one-time scan asks the tagged hosts with an agent and a supported OS, and skips the rest with why', async () => {
      const made = await api('POST', CONFIGS, {
        scanName: 'once',
        securityLevel: 'LEVEL_1',
        schedule: { oneTime: {} },
        targets: { targetResourceTags: { tier: ['web'] } },
      });
      expect(made.status).toBe(201);
      expect(await coverage()).toEqual({
        [web.resourceId]: 'PENDING_INITIAL_SCAN',
        [old.resourceId]: 'UNSUPPORTED_OS',
        'pushed-1': 'AGENT_OFFLINE',
        [DB_HOST]: 'PENDING_INITIAL_SCAN',
      });
      expect((await heartbeat(web)).json['assessmentRequest']).toBeUndefined();
      await f.runJob('cis-scans');
      const [scan] = await scans();
      scanId = scan?.scanId ?? '';
      expect(scan).toMatchObject({ status: 'IN_PROGRESS', targets: { total: 3, pending: 1, skipped: 2 } });
      const byResource = await api('GET', `${SCANS}/${scanId}/resources`);
      expect((byResource.json as { resources: unknown[] }).resources).toEqual([
        expect.objectContaining({ resourceId: web.resourceId, status: 'PENDING' }),
        expect.objectContaining({
          resourceId: old.resourceId,
          status: 'SKIPPED',
          statusReason: expect.stringMatching(/^UNSUPPORTED_OS: no CIS benchmark for debian 11/) as unknown,
        }),
        expect.objectContaining({
          resourceId: 'pushed-1',
          status: 'SKIPPED',
          statusReason: expect.stringMatching(/^AGENT_OFFLINE/) as unknown,
        }),
      ]);
      expect((await coverage())[web.resourceId]).toBe('SCAN_IN_PROGRESS');
      const answer = await heartbeat(web);
      expect(answer.json['assessmentRequest']).toEqual({
        benchmark: 'cis-debian12',
        level: 1,
        profile: 'server',
        alsoBenchmarks: ['security-best-practices'],
      });
      // Only the hosts a scan waits on are asked; the configuration ran once and is spent.
      expect((await heartbeat(old)).json['assessmentRequest']).toBeUndefined();
      expect((await api('GET', CONFIGS)).json).toMatchObject({ scanConfigurations: [{ scanName: 'once' }] });
      expect(
        ((await api('GET', CONFIGS)).json as { scanConfigurations: { nextRunAt?: string }[] })
          .scanConfigurations[0]?.nextRunAt,
      ).toBeUndefined();
    });

    it('facts of the wrong shape are refused whole, naming the path; the scan keeps waiting', async () => {
      const broken = {
        ...facts,
        facts: {
          ...facts.facts,
          'sysctl:kernel.randomize_va_space': { status: 'ok', fact: { type: 'nope' } },
        },
      };
      const r = await heartbeat(web, { assessmentFacts: broken });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'ASSESSMENT_FACTS_INVALID' });
      expect(JSON.stringify(r.json)).toContain('/facts/sysctl:kernel.randomize_va_space/fact/type');
      expect((await scanOf(scanId)).status).toBe('IN_PROGRESS');
      const tooBig = { ...facts, target: { ...facts.target, description: 'x'.repeat(9 * 1024 * 1024) } };
      const big = await post(
        f.base,
        '/v1/agent/checkin',
        {
          agentVersion: '0.1.0',
          sentAt: f.clock.now.toISOString(),
          inventoryHash: HASH,
          assessmentFacts: tooBig,
        },
        { key: web.key, gzip: true },
      );
      expect(big).toMatchObject({ status: 413, json: { code: 'ASSESSMENT_FACTS_TOO_LARGE' } });
      expect((await coverage())[web.resourceId]).toBe('SCAN_IN_PROGRESS');
    });

    it('the facts complete the scan with the results of the same evaluator, by check, by resource, per check, and as CSV', async () => {
      const expected = assessFacts(facts, { benchmark: 'cis-debian12', level: 1, profile: 'server' }).results;
      const failing = expected.filter((r) => r.status === 'FAILED').length;
      expect(expected.length).toBeGreaterThan(200);
      expect(failing).toBeGreaterThan(10);
      const r = await heartbeat(web, { assessmentFacts: facts });
      expect(r.status).toBe(200);
      expect(r.json['assessmentRequest']).toBeUndefined();
      expect(await scanOf(scanId)).toMatchObject({
        status: 'COMPLETED',
        statusReason: '1 of 3 target hosts assessed',
        totalChecks: expected.length,
        failedChecks: failing,
        targets: { completed: 1, skipped: 2, pending: 0 },
      });
      const detail = await api(
        'GET',
        `${SCANS}/${scanId}/resources/${encodeURIComponent(web.resourceId)}/checks`,
        undefined,
        f.keys.member,
      );
      expect((detail.json as { checks: CheckResult[] }).checks).toEqual(expected);
      const byCheck = (await api('GET', `${SCANS}/${scanId}/checks`)).json as {
        checks: { checkId: string; statusCounts: Record<string, number> }[];
      };
      expect(byCheck.checks).toHaveLength(expected.length);
      for (const c of byCheck.checks) {
        const want = expected.find((e) => e.checkId === c.checkId);
        expect(Object.values(c.statusCounts).reduce((a, b) => a + b, 0)).toBe(1);
        expect(
          c.statusCounts[
            {
              PASSED: 'passed',
              FAILED: 'failed',
              SKIPPED: 'skipped',
              NOT_APPLICABLE: 'notApplicable',
              ERROR: 'error',
            }[want?.status ?? 'ERROR']
          ],
        ).toBe(1);
      }
      const res = await fetch(`${f.base}${SCANS}/${scanId}/report.csv`, {
        headers: { authorization: `Bearer ${f.keys.member}` },
      });
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await res.text()).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'accountId,resourceId,checkId,title,level,status,statusReason,cisSection,ssgRuleId,remediation',
      );
      // One line per check of the assessed host (a reason may hold no line break), one per skipped host.
      expect(lines.filter((l) => l.startsWith(`acct-f,${web.resourceId},`))).toHaveLength(expected.length);
      expect(lines.filter((l) => l.startsWith('acct-f,pushed-1,,'))).toHaveLength(1);
      expect(await coverage()).toMatchObject({
        [web.resourceId]: 'SUCCESSFUL',
        [old.resourceId]: 'UNSUPPORTED_OS',
        'pushed-1': 'AGENT_OFFLINE',
      });
    });

    it('the PDF report holds the summary of the assessed host and every failed check', async () => {
      requireTool('chromium');
      requireTool('pdftotext');
      const expected = assessFacts(facts, { benchmark: 'cis-debian12', level: 1, profile: 'server' });
      const res = await fetch(`${f.base}${SCANS}/${scanId}/report.pdf`, {
        headers: { authorization: `Bearer ${f.keys.member}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const dir = mkdtempSync(join(tmpdir(), 'vigil-cis-pdf-'));
      try {
        writeFileSync(join(dir, 'scan.pdf'), bytes);
        const read = execFileSync('pdftotext', [join(dir, 'scan.pdf'), '-'], { encoding: 'utf8' });
        const text = read.replace(/\s+/g, ' ');
        const c = expected.summary.counts;
        expect(text).toContain('CIS scan "once" (COMPLETED, 1 of 3 hosts assessed)');
        expect(text).toContain(
          `${expected.summary.total} checks: ${c.PASSED} passed, ${c.FAILED} failed, ${c.SKIPPED} skipped, ` +
            `${c.NOT_APPLICABLE} not applicable, ${c.ERROR} error`,
        );
        const joined = read.replace(/\s+/g, '');
        for (const r of expected.results.filter((x) => x.status === 'FAILED'))
          expect(joined, r.checkId).toContain(r.checkId);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect((await api('GET', `${SCANS}/${scanId}/report.pdf`, undefined, otherAdmin)).status).toBe(404);
    });

    it('a daily schedule fires when the clock reaches it; a host that never answers fails the scan at its deadline', async () => {
      const made = await api('POST', CONFIGS, {
        scanName: 'daily db',
        securityLevel: 'LEVEL_2',
        schedule: { daily: { startTime: { timeOfDay: '06:00', timezone: 'UTC' } } },
        targets: { targetResourceTags: { tier: ['db'] } },
      });
      const id = (made.json as { scanConfigurationId: string }).scanConfigurationId;
      await f.runJob('cis-scans');
      expect((await scans()).filter((s) => s.status === 'IN_PROGRESS')).toEqual([]);
      f.clock.now = new Date('2026-03-01T06:00:05.000Z');
      await f.runJob('cis-scans');
      const started = (await api('GET', `${SCANS}?scanConfigurationId=${id}`)).json as { scans: Scan[] };
      expect(started.scans).toHaveLength(1);
      expect((await api('GET', `${CONFIGS}/${id}`)).json).toMatchObject({
        nextRunAt: '2026-03-02T06:00:00.000Z',
      });
      // The db host's agent went silent at enrollment (three intervals ago and more): it never answers.
      expect((await coverage())[DB_HOST]).toBe('AGENT_OFFLINE');
      f.advance(3 * INTERVAL_SECONDS + 1);
      await f.runJob('cis-scans');
      expect(await scanOf(started.scans[0]?.scanId ?? '')).toMatchObject({
        status: 'FAILED',
        statusReason: 'no target host could be assessed',
        targets: { failed: 1 },
      });
      const res = (await api('GET', `${SCANS}/${started.scans[0]?.scanId ?? ''}/resources`)).json as {
        resources: { statusReason: string }[];
      };
      expect(res.resources[0]?.statusReason).toMatch(/^AGENT_OFFLINE: no facts from the agent by /);
      await api('DELETE', `${CONFIGS}/${id}`);
    });

    it('a cancelled scan stops asking; another account sees none of it', async () => {
      await api('POST', CONFIGS, {
        scanName: 'again',
        securityLevel: 'LEVEL_1',
        schedule: { oneTime: {} },
        targets: { targetResourceTags: { tier: ['web'] } },
      });
      await heartbeat(web);
      await heartbeat(old);
      await f.runJob('cis-scans');
      const open = (await scans()).find((s) => s.status === 'IN_PROGRESS');
      expect(open).toBeDefined();
      expect((await heartbeat(web)).json['assessmentRequest']).toBeDefined();
      expect((await api('POST', `${SCANS}/${open?.scanId}/cancel`, undefined, f.keys.member)).status).toBe(
        403,
      );
      expect(await api('POST', `${SCANS}/${open?.scanId}/cancel`)).toMatchObject({
        status: 200,
        json: { status: 'CANCELLED' },
      });
      expect((await heartbeat(web)).json['assessmentRequest']).toBeUndefined();
      for (const path of [
        CONFIGS,
        SCANS,
        `${SCANS}/${scanId}`,
        `${SCANS}/${scanId}/checks`,
        `${SCANS}/${scanId}/report.csv`,
        '/v1/accounts/acct-f/cis-coverage',
      ])
        expect({ path, status: (await api('GET', path, undefined, otherAdmin)).status }).toEqual({
          path,
          status: 404,
        });
      const cis = encodeURIComponent(JSON.stringify({ scanType: [{ comparison: 'EQUALS', value: 'CIS' }] }));
      const theirs = (await api('GET', `/v1/coverage?filter=${cis}`, undefined, otherAdmin)).json as {
        coveredResources: { accountId: string }[];
      };
      expect(theirs.coveredResources.filter((c) => c.accountId === 'acct-f')).toEqual([]);
      expect((await api('GET', '/v1/accounts/acct-g/cis-scans', undefined, otherAdmin)).json).toEqual({
        scans: [],
      });
    });

    it("queue mode's halves on this backend: deferred facts wait for a worker, which writes what the check-in wrote; a repeat writes nothing", async () => {
      await api('POST', CONFIGS, {
        scanName: 'queued',
        securityLevel: 'LEVEL_1',
        schedule: { oneTime: {} },
        targets: { targetResourceTags: { tier: ['web'] } },
      });
      await f.runJob('cis-scans');
      const queued = (await scans()).find((s) => s.status === 'IN_PROGRESS')?.scanId ?? '';
      const now = f.clock.now;
      const host = { accountId: 'acct-f', resourceId: web.resourceId };
      const refs = await receiveAssessmentFacts(db.kysely, host, readCheckinAssessmentFacts(facts), now, {
        defer: true,
      });
      const ref = {
        scanId: queued,
        accountId: 'acct-f',
        resourceAccountId: 'acct-f',
        resourceId: web.resourceId,
      };
      expect(refs).toEqual([ref]);
      // What the feeder sends; the agent is not asked again; the scan waits for the worker.
      expect(await cisTargetsAwaitingEvaluation(db.kysely, 10)).toEqual([ref]);
      expect((await heartbeat(web)).json['assessmentRequest']).toBeUndefined();
      expect((await scanOf(queued)).status).toBe('IN_PROGRESS');
      expect(await evaluateCisTarget(db.kysely, ref, now)).toBe('evaluated');
      const row = async (id: string) =>
        db.kysely
          .selectFrom('cis_scan_targets')
          .select(['status', 'status_reason', 'results_json', 'facts_mode'])
          .where('scan_id', '=', id)
          .where('resource_id', '=', web.resourceId)
          .executeTakeFirstOrThrow();
      // The same facts at the same level: the row the check-in wrote in the one-time scan above.
      const assessed = await row(queued);
      expect(assessed).toEqual(await row(scanId));
      expect(await evaluateCisTarget(db.kysely, ref, now)).toBe('repeat');
      await failCisTargetEvaluation(db.kysely, ref, 'EVALUATION_FAILED: late', now);
      expect(await row(queued)).toEqual(assessed);
      expect(await cisTargetsAwaitingEvaluation(db.kysely, 10)).toEqual([]);
      expect((await scanOf(queued)).status).toBe('COMPLETED');
    });
  });
}
