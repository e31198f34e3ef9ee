import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterCriteria } from '../../../src/findings/filter-criteria.js';
import type { Finding } from '../../../src/findings/finding-types.js';
import { expectStatus, packageOf } from '../e2e/api-helpers.js';
import { aggregationCounts } from '../e2e/aggregation-check.js';
import { suppressionTarget } from '../e2e/finding-picks.js';
import {
  HOST1,
  HOST2,
  M1,
  M2,
  ROOT,
  idOfArn,
  startE2e,
  v1FindingIds,
  v1Findings,
  type E2e,
} from './inspector2-e2e-setup.js';

/**
 * Issue 18 with the real clients: the AWS CLI and botocore against the real `vigil server`, seeded as
 * the service e2e test. Every Inspector answer is checked against what /v1 answers for the same
 * question. Steps run in order and share state. (Auth, bad input and unsupported operations: inspector2-cli-auth.test.ts.)
 */
let e: E2e;
const eq = (value: string): Array<{ comparison: 'EQUALS'; value: string }> => [
  { comparison: 'EQUALS', value },
];
const ACTIVE = { findingStatus: eq('ACTIVE') };
let all: Finding[] = [];
/** Generous: each AWS CLI call is a Python start, slow on a loaded machine (no timing is asserted). */
const SLOW = 300_000;

beforeAll(async () => {
  e = await startE2e();
  all = await v1Findings(e, e.keys.root, {});
}, 600_000);
afterAll(async () => {
  await e.stop();
});

/** Every finding ARN `aws inspector2 list-findings` gives (the CLI pages through to the end itself). */
async function cliFindingIds(filter: unknown, extra: readonly string[] = []): Promise<string[]> {
  const args = ['list-findings', '--filter-criteria', JSON.stringify(filter), '--page-size', '40', ...extra];
  const arns = await e.aws.cli<string[]>(e.creds.root, [...args, '--query', 'findings[].findingArn']);
  return arns.map((a) => idOfArn(a).id);
}

describe('Inspector2-compatible API with the real AWS CLI and botocore (issue 18)', () => {
  it(
    'list-findings with each filter kind lists exactly what GET /v1/findings lists for the same filter',
    async () => {
      const sample = all.find((f) => f.accountId === M2 && f.packageVulnerabilityDetails) as Finding;
      const vulnPrefix = (sample.packageVulnerabilityDetails?.vulnerabilityId ?? '').slice(0, 8);
      const firstSeen = [...new Set(all.map((f) => f.firstObservedAt))].sort();
      // Second-aligned: botocore sends DateFilter timestamps as whole epoch seconds.
      const cut = Math.floor(Date.parse(firstSeen[Math.floor(firstSeen.length / 2)] ?? '') / 1000);
      const cases: Array<[string, Record<string, unknown>, FilterCriteria]> = [
        ['severity EQUALS', { severity: eq('HIGH') }, { severity: eq('HIGH') }],
        [
          'NOT_EQUALS + status',
          { severity: [{ comparison: 'NOT_EQUALS', value: 'LOW' }], findingStatus: eq('ACTIVE') },
          { severity: [{ comparison: 'NOT_EQUALS', value: 'LOW' }], ...ACTIVE },
        ],
        [
          'vulnerabilityId PREFIX',
          { vulnerabilityId: [{ comparison: 'PREFIX', value: vulnPrefix }] },
          { vulnerabilityId: [{ comparison: 'PREFIX', value: vulnPrefix }] },
        ],
        ['awsAccountId', { awsAccountId: eq(M2) }, { accountId: eq(M2) }],
        ['resourceType', { resourceType: eq('AWS_EC2_INSTANCE') }, { resourceType: eq('HOST') }],
        [
          'resourceType PREFIX',
          { resourceType: [{ comparison: 'PREFIX', value: 'AWS_ECR' }] },
          { resourceType: [...eq('CONTAINER_IMAGE'), ...eq('CONTAINER_REPOSITORY')] },
        ],
        ['resourceId', { resourceId: eq(HOST1) }, { resourceId: eq(HOST1) }],
        [
          'resourceTags',
          { resourceTags: [{ comparison: 'EQUALS', key: 'team', value: 'web' }] },
          { resourceTags: [{ comparison: 'EQUALS', key: 'team', value: 'web' }] },
        ],
        [
          'vulnerablePackages',
          { vulnerablePackages: [{ name: eq(packageOf(sample))[0] }] },
          { packageName: eq(packageOf(sample)) },
        ],
        [
          'inspectorScore',
          { inspectorScore: [{ lowerInclusive: 7, upperInclusive: 10 }] },
          { inspectorScore: [{ lowerInclusive: 7, upperInclusive: 10 }] },
        ],
        ['epssScore', { epssScore: [{ lowerInclusive: 0.001 }] }, { epssScore: [{ lowerInclusive: 0.001 }] }],
        [
          'firstObservedAt',
          { firstObservedAt: [{ startInclusive: cut }] },
          { firstObservedAt: [{ startInclusive: new Date(cut * 1000).toISOString() }] },
        ],
        ['fixAvailable', { fixAvailable: eq('NO') }, { fixAvailable: eq('NO') }],
        ['exploitAvailable', { exploitAvailable: eq('YES') }, { exploitAvailable: eq('YES') }],
      ];
      const sizes: Record<string, number> = {};
      for (let i = 0; i < cases.length; i += 4) {
        await Promise.all(
          cases.slice(i, i + 4).map(async ([name, aws, vigil]) => {
            const [got, want] = await Promise.all([cliFindingIds(aws), v1FindingIds(e, e.keys.root, vigil)]);
            expect({ name, ids: got }).toEqual({ name, ids: want });
            sizes[name] = want.length;
          }),
        );
      }
      // The filters select real, different subsets (a filter that matched all or nothing proves little).
      const partial = Object.values(sizes).filter((n) => n > 0 && n < all.length);
      expect(partial.length, JSON.stringify(sizes)).toBeGreaterThanOrEqual(9);
    },
    SLOW,
  );

  it(
    'sortCriteria orders as /v1 sortBy does, page after page',
    async () => {
      for (const [field, sortBy, sortOrder] of [
        ['SEVERITY', 'severity', 'DESC'],
        ['INSPECTOR_SCORE', 'inspectorScore', 'DESC'],
        ['VULNERABILITY_ID', 'vulnerabilityId', 'ASC'],
      ] as const) {
        const sort = ['--sort-criteria', `field=${field},sortOrder=${sortOrder}`];
        const [got, want] = await Promise.all([
          cliFindingIds({ awsAccountId: eq(M1) }, sort),
          v1FindingIds(e, e.keys.root, { accountId: eq(M1) }, { sortBy, sortOrder }),
        ]);
        expect({ field, ids: got }).toEqual({ field, ids: want });
      }
    },
    SLOW,
  );

  it(
    "botocore's own paginator pages through ListFindings to exactly /v1's findings, in Inspector's shape",
    async () => {
      const r = await e.aws.botoOk<{ items: Array<Record<string, unknown>>; pages: number }>(e.creds.admin1, {
        mode: 'paginate',
        operation: 'ListFindings',
        params: { filterCriteria: { findingStatus: eq('ACTIVE') } },
        pageSize: 13,
        resultKey: 'findings',
      });
      const want = await v1Findings(e, e.keys.admin1, ACTIVE);
      expect(want.length).toBeGreaterThan(26);
      expect(r.pages).toBe(Math.ceil(want.length / 13));
      expect(r.items.map((f) => idOfArn(String(f['findingArn'])).id)).toEqual(want.map((f) => f.id));
      const byId = new Map(want.map((f) => [f.id, f]));
      for (const got of r.items) {
        const f = byId.get(idOfArn(String(got['findingArn'])).id) as Finding;
        const pkg = f.packageVulnerabilityDetails;
        expect(got).toMatchObject({
          awsAccountId: M1,
          type: f.type,
          severity: f.severity,
          status: 'ACTIVE',
          title: f.title,
          fixAvailable: f.fixAvailable,
          resources: [{ type: 'AWS_EC2_INSTANCE', id: HOST1, tags: { env: 'e2e', team: 'web' } }],
          packageVulnerabilityDetails: {
            vulnerabilityId: pkg?.vulnerabilityId,
            // Every package of the finding (one vulnerability in several binary packages of one source).
            vulnerablePackages: (pkg?.vulnerablePackages ?? []).map((p) => ({
              name: p.name,
              version: p.version,
              filePath: p.filePath,
              fixedInVersion: p.fixedInVersion,
              packageManager: 'OS',
            })),
          },
        });
        // botocore parsed Inspector's epoch-second timestamps into datetimes.
        expect(Date.parse(String(got['firstObservedAt']))).toBe(Date.parse(f.firstObservedAt));
      }
    },
    SLOW,
  );

  it(
    'list-finding-aggregations (PACKAGE, ACCOUNT, TITLE, AWS_EC2_INSTANCE) equals /v1 aggregations',
    async () => {
      const cases = [
        ['PACKAGE', 'packageAggregation', 'packageName', 'PACKAGE', {}],
        ['ACCOUNT', 'accountAggregation', 'accountId', 'ACCOUNT', {}],
        ['TITLE', 'titleAggregation', 'vulnerabilityId', 'VULNERABILITY', {}],
        [
          'AWS_EC2_INSTANCE',
          'ec2InstanceAggregation',
          'instanceId',
          'RESOURCE',
          { resourceType: eq('HOST') },
        ],
      ] as const;
      for (const [type, member, keyField, groupBy, filter] of cases) {
        const r = await e.aws.cli<{ responses: Array<Record<string, Record<string, unknown>>> }>(
          e.creds.root,
          ['list-finding-aggregations', '--aggregation-type', type, '--page-size', '9'],
        );
        const got = r.responses.map((x) => {
          const g = x[member] ?? {};
          const c = g['severityCounts'] as Record<string, number>;
          return [String(g[keyField]), c['all'], c['critical'], c['high'], c['medium']];
        });
        const v1 = await aggregationCounts(e.base, e.keys.root, groupBy, { ...ACTIVE, ...filter });
        const want = [...v1].map(([k, c]) => [k.split('/').pop(), c.all, c.critical, c.high, c.medium]);
        expect(want.length, type).toBeGreaterThan(1);
        expect({ type, groups: got }).toEqual({ type, groups: want });
      }
    },
    SLOW,
  );

  it(
    'create-filter --action SUPPRESS suppresses exactly what a /v1 rule with the same criteria suppresses',
    async () => {
      const m1 = all.filter((f) => f.accountId === M1);
      const pkg = suppressionTarget(
        m1,
        all.filter((f) => f.accountId === M2),
      );
      const criteria = { vulnerablePackages: [{ name: { comparison: 'EQUALS', value: pkg } }] };
      const before = await v1Findings(e, e.keys.root, {});
      const denied = await e.aws.cliError(e.creds.member2, [
        'create-filter',
        '--name',
        'x',
        '--action',
        'SUPPRESS',
        '--filter-criteria',
        JSON.stringify(criteria),
      ]);
      expect(denied).toMatchObject({ exception: 'AccessDeniedException', operation: 'CreateFilter' });
      const { arn } = await e.aws.cli<{ arn: string }>(e.creds.admin1, [
        'create-filter',
        '--name',
        `accept ${pkg}`,
        '--action',
        'SUPPRESS',
        '--reason',
        'accepted risk',
        '--description',
        'e2e',
        '--filter-criteria',
        JSON.stringify(criteria),
        '--tags',
        'owner=sec',
      ]);
      const ruleId =
        /^arn:vigil:inspector2:any:111111111111:owner\/111111111111\/filter\/([0-9a-f-]{36})$/.exec(arn)?.[1];
      expect(ruleId).toBeTruthy();
      const viaCli = await v1Findings(e, e.keys.root, { findingStatus: eq('SUPPRESSED') });
      expect(viaCli.length).toBeGreaterThan(0);
      expect(
        viaCli.every((f) => f.suppressedBy === ruleId && f.accountId === M1 && packageOf(f) === pkg),
      ).toBe(true);
      const rules = await expectStatus<{ rules: Array<{ id: string; filter: unknown; reason: string }> }>(
        200,
        e.base,
        e.keys.admin1,
        'GET',
        `/v1/accounts/${M1}/suppression-rules`,
      );
      expect(rules.rules).toEqual([
        expect.objectContaining({ id: ruleId, filter: { packageName: eq(pkg) }, reason: 'accepted risk' }),
      ]);
      const listed = await e.aws.cli<{ filters: Array<Record<string, unknown>> }>(e.creds.admin1, [
        'list-filters',
        '--action',
        'SUPPRESS',
      ]);
      expect(listed.filters).toEqual([
        expect.objectContaining({
          arn,
          ownerId: M1,
          action: 'SUPPRESS',
          criteria,
          description: 'e2e',
          reason: 'accepted risk',
          tags: { owner: 'sec' },
        }),
      ]);

      await e.aws.cli(e.creds.admin1, ['delete-filter', '--arn', arn]);
      const restored = await v1Findings(e, e.keys.root, {});
      expect(restored.map((f) => [f.id, f.status])).toEqual(before.map((f) => [f.id, f.status]));
      const rule = await expectStatus<{ rule: { id: string } }>(
        201,
        e.base,
        e.keys.admin1,
        'POST',
        `/v1/accounts/${M1}/suppression-rules`,
        { name: 'same', reason: 'same', filter: { packageName: eq(pkg) } },
      );
      const viaV1 = await v1Findings(e, e.keys.root, { findingStatus: eq('SUPPRESSED') });
      expect(viaV1.map((f) => f.id)).toEqual(viaCli.map((f) => f.id));
      await expectStatus(
        200,
        e.base,
        e.keys.admin1,
        'DELETE',
        `/v1/accounts/${M1}/suppression-rules/${rule.rule.id}`,
      );
    },
    SLOW,
  );

  it(
    'a NONE filter is saved, listed, updated and deleted, and changes no finding',
    async () => {
      const before = (await v1Findings(e, e.keys.root, {})).map((f) => [f.id, f.status]);
      const { arn } = await e.aws.cli<{ arn: string }>(e.creds.admin1, [
        'create-filter',
        '--name',
        'critical web',
        '--action',
        'NONE',
        '--filter-criteria',
        JSON.stringify({ severity: eq('CRITICAL') }),
      ]);
      await e.aws.cli(e.creds.admin1, [
        'update-filter',
        '--filter-arn',
        arn,
        '--name',
        'renamed',
        '--filter-criteria',
        JSON.stringify({ severity: eq('HIGH') }),
      ]);
      const listed = await e.aws.cli<{ filters: Array<Record<string, unknown>> }>(e.creds.admin1, [
        'list-filters',
        '--arns',
        arn,
      ]);
      expect(listed.filters).toEqual([
        expect.objectContaining({ arn, name: 'renamed', action: 'NONE', criteria: { severity: eq('HIGH') } }),
      ]);
      expect((await v1Findings(e, e.keys.root, {})).map((f) => [f.id, f.status])).toEqual(before);
      const turned = await e.aws.cliError(e.creds.admin1, [
        'update-filter',
        '--filter-arn',
        arn,
        '--action',
        'SUPPRESS',
      ]);
      expect(turned.exception).toBe('ValidationException');
      await e.aws.cli(e.creds.admin1, ['delete-filter', '--arn', arn]);
      expect((await e.aws.cli<{ filters: unknown[] }>(e.creds.admin1, ['list-filters'])).filters).toEqual([]);
    },
    SLOW,
  );

  it(
    'create-findings-report → get-findings-report-status → the content vigil serves equals the /v1 CSV export',
    async () => {
      const filter = { awsAccountId: eq(M1) };
      const dest = {
        bucketName: 'reports-bucket',
        keyPrefix: 'inspector/',
        kmsKeyArn: 'arn:aws:kms:any:1:key/k',
      };
      const { reportId } = await e.aws.cli<{ reportId: string }>(e.creds.root, [
        'create-findings-report',
        '--report-format',
        'CSV',
        '--s3-destination',
        JSON.stringify(dest),
        '--filter-criteria',
        JSON.stringify(filter),
      ]);
      let status: Record<string, unknown> = {};
      for (let i = 0; i < 60 && status['status'] !== 'SUCCEEDED'; i++)
        status = await e.aws.cli(e.creds.root, ['get-findings-report-status', '--report-id', reportId]);
      expect(status).toMatchObject({
        reportId,
        status: 'SUCCEEDED',
        destination: dest,
        filterCriteria: { ...filter, findingStatus: eq('ACTIVE') },
      });
      const url =
        /(http:\/\/127\.0\.0\.1:\d+\/aws\/inspector2\/\S+)/.exec(String(status['errorMessage']))?.[1] ?? '';
      expect(url).toBe(`${e.base}/aws/inspector2/vigil/reports/${reportId}/content`);
      const signed = await e.aws.botoOk<{ status: number; body: string }>(e.creds.root, {
        mode: 'raw',
        method: 'GET',
        path: url.slice(e.aws.endpoint.length),
      });
      const v1 = await expectStatus<{ reportId: string }>(202, e.base, e.keys.root, 'POST', '/v1/reports', {
        format: 'CSV',
        filter: { accountId: eq(M1) },
      });
      let v1Status = '';
      while (v1Status !== 'SUCCEEDED')
        v1Status = (
          await expectStatus<{ status: string }>(
            200,
            e.base,
            e.keys.root,
            'GET',
            `/v1/reports/${v1.reportId}`,
          )
        ).status;
      const v1Csv = await (
        await fetch(`${e.base}/v1/reports/${v1.reportId}/content`, {
          headers: { authorization: `Bearer ${e.keys.root}` },
        })
      ).text();
      expect(signed.status).toBe(200);
      expect(v1Csv.split('\n').length).toBeGreaterThan(10);
      expect(signed.body).toBe(v1Csv);
      // Another account's credentials: the report does not exist for them.
      const other = await e.aws.cliError(e.creds.member2, [
        'get-findings-report-status',
        '--report-id',
        reportId,
      ]);
      expect(other.exception).toBe('ResourceNotFoundException');
      const late = await e.aws.cliError(e.creds.root, ['cancel-findings-report', '--report-id', reportId]);
      expect(late).toMatchObject({
        exception: 'ValidationException',
        message: expect.stringContaining('already finished') as string,
      });
    },
    SLOW,
  );

  it(
    'create-sbom-export → get-sbom-export: the stored inventory of the host as CycloneDX',
    async () => {
      const dest = { bucketName: 'sboms', kmsKeyArn: 'k' };
      const { reportId } = await e.aws.cli<{ reportId: string }>(e.creds.admin1, [
        'create-sbom-export',
        '--report-format',
        'CYCLONEDX_1_4',
        '--s3-destination',
        JSON.stringify(dest),
        '--resource-filter-criteria',
        JSON.stringify({ resourceId: eq(HOST1) }),
      ]);
      let status: Record<string, unknown> = {};
      for (let i = 0; i < 60 && status['status'] !== 'SUCCEEDED'; i++)
        status = await e.aws.cli(e.creds.admin1, ['get-sbom-export', '--report-id', reportId]);
      expect(status).toMatchObject({
        reportId,
        format: 'CYCLONEDX_1_4',
        status: 'SUCCEEDED',
        s3Destination: dest,
      });
      const path = `/vigil/reports/${reportId}/content`;
      const doc = await e.aws.botoOk<{ status: number; body: string }>(e.creds.admin1, {
        mode: 'raw',
        method: 'GET',
        path,
      });
      const content = JSON.parse(doc.body) as {
        resources: Array<{ resourceId: string; sbom: { bomFormat: string; components: unknown[] } }>;
      };
      expect(content.resources.map((r) => [r.resourceId, r.sbom.bomFormat])).toEqual([[HOST1, 'CycloneDX']]);
      expect(content.resources[0]?.sbom.components.length).toBeGreaterThan(50);
    },
    SLOW,
  );

  it(
    'account status, enable/disable, configuration, members, delegated admin and tags act on /v1 state',
    async () => {
      const c = e.creds;
      const status = await e.aws.cli<Record<string, unknown>>(c.admin1, [
        'batch-get-account-status',
        '--account-ids',
        M1,
        M2,
      ]);
      expect(status).toMatchObject({
        accounts: [{ accountId: M1, state: { status: 'ENABLED' } }],
        failedAccounts: [{ accountId: M2, errorCode: 'ACCESS_DENIED' }],
      });
      await e.aws.cli(c.admin1, ['disable', '--resource-types', 'ECR']);
      const account = (): Promise<{ scanning: Record<string, boolean> }> =>
        expectStatus(200, e.base, e.keys.admin1, 'GET', `/v1/accounts/${M1}`);
      expect((await account()).scanning).toEqual({ host: true, image: false, network: true });
      await e.aws.cli(c.admin1, ['enable', '--resource-types', 'ECR']);
      expect((await account()).scanning.image).toBe(true);
      await e.aws.cli(c.admin1, [
        'update-configuration',
        '--ecr-configuration',
        'rescanDuration=DAYS_30,pullDateRescanDuration=DAYS_14,pullDateRescanMode=LAST_PULL_DATE',
      ]);
      const config = await e.aws.cli<Record<string, Record<string, Record<string, unknown>>>>(c.admin1, [
        'get-configuration',
      ]);
      expect(config['ecrConfiguration']?.['rescanDurationState']).toMatchObject({
        rescanDuration: 'DAYS_30',
        pullDateRescanDuration: 'DAYS_14',
        status: 'SUCCESS',
      });
      // One stored configuration: /v1's image scanning shows what UpdateConfiguration set.
      expect(
        await expectStatus(200, e.base, e.keys.admin1, 'GET', `/v1/accounts/${M1}/image-scanning`),
      ).toMatchObject({
        rescanDuration: 'DAYS_30',
        pullDateRescanDuration: 'DAYS_14',
        pullDateRescanMode: 'LAST_PULL_DATE',
      });
      const members = await e.aws.cli<{ members: unknown[] }>(c.root, ['list-members']);
      expect(members.members).toEqual(
        [M1, M2].map((accountId): unknown =>
          expect.objectContaining({
            accountId,
            relationshipStatus: 'ENABLED',
            delegatedAdminAccountId: ROOT,
          }),
        ),
      );
      expect(await e.aws.cli(c.admin1, ['get-delegated-admin-account'])).toEqual({
        delegatedAdmin: { accountId: ROOT, relationshipStatus: 'ENABLED' },
      });
      expect(await e.aws.cli(c.root, ['associate-member', '--account-id', '333333333333'])).toEqual({
        accountId: '333333333333',
      });
      const accounts = await expectStatus<{ accounts: Array<{ id: string }> }>(
        200,
        e.base,
        e.keys.root,
        'GET',
        '/v1/accounts',
      );
      expect(accounts.accounts.map((a) => a.id)).toContain('333333333333');
      const hostArn = `arn:vigil:inspector2:any:${M1}:resource/${HOST1}`;
      await e.aws.cli(c.admin1, ['tag-resource', '--resource-arn', hostArn, '--tags', 'owner=alice']);
      const host = await expectStatus<{ tags: Record<string, string> }>(
        200,
        e.base,
        e.keys.admin1,
        'GET',
        `/v1/accounts/${M1}/resources/${HOST1}`,
      );
      expect(host.tags).toEqual({ env: 'e2e', team: 'web', owner: 'alice' });
      await e.aws.cli(c.admin1, ['untag-resource', '--resource-arn', hostArn, '--tag-keys', 'owner']);
      expect(await e.aws.cli(c.admin1, ['list-tags-for-resource', '--resource-arn', hostArn])).toEqual({
        tags: { env: 'e2e', team: 'web' },
      });
    },
    SLOW,
  );

  it(
    'list-coverage (paged by the CLI) and list-coverage-statistics equal GET /v1/coverage(/statistics), the hosts as AWS_EC2_INSTANCE',
    async () => {
      type Covered = {
        accountId: string;
        resourceId: string;
        resourceType: string;
        scanType: string;
        scanStatus: { statusCode: string; reason: string };
      };
      const row = (c: Covered): string[] => [
        c.accountId,
        c.resourceId,
        c.resourceType,
        c.scanType,
        c.scanStatus.statusCode,
        c.scanStatus.reason,
      ];
      const v1 = await expectStatus<{ coveredResources: Covered[] }>(
        200,
        e.base,
        e.keys.root,
        'GET',
        '/v1/coverage?maxResults=200',
      );
      const want = v1.coveredResources.map((c) =>
        row({ ...c, resourceType: c.resourceType === 'HOST' ? 'AWS_EC2_INSTANCE' : c.resourceType }),
      );
      const got = await e.aws.cli<{ coveredResources: Covered[] }>(e.creds.root, [
        'list-coverage',
        '--page-size',
        '1',
      ]);
      expect(got.coveredResources.map(row)).toEqual(want);
      expect(want.filter((r) => r[2] === 'AWS_EC2_INSTANCE').map((r) => [r[0], r[1]])).toEqual(
        expect.arrayContaining([
          [M1, HOST1],
          [M2, HOST2],
        ]) as unknown,
      );
      const hostsOfM2 = await e.aws.cli<{ coveredResources: Covered[] }>(e.creds.root, [
        'list-coverage',
        '--filter-criteria',
        JSON.stringify({ accountId: eq(M2), resourceType: eq('AWS_EC2_INSTANCE') }),
      ]);
      expect(hostsOfM2.coveredResources.map(row)).toEqual(
        want.filter((r) => r[0] === M2 && r[2] === 'AWS_EC2_INSTANCE'),
      );
      const stats = await e.aws.cli(e.creds.root, [
        'list-coverage-statistics',
        '--group-by',
        'SCAN_STATUS_REASON',
      ]);
      const v1Stats = await expectStatus(
        200,
        e.base,
        e.keys.root,
        'GET',
        '/v1/coverage/statistics?groupBy=SCAN_STATUS_REASON',
      );
      expect(stats).toEqual(v1Stats);
      // A member's credentials see their own account's coverage only.
      const own = await e.aws.cli<{ coveredResources: Covered[] }>(e.creds.member2, ['list-coverage']);
      expect(own.coveredResources.map(row)).toEqual(want.filter((r) => r[0] === M2));
    },
    SLOW,
  );
});
