import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../fixtures/required-tool.js';
import { expectStatus } from '../e2e/api-helpers.js';
import { v1Findings } from './inspector2-e2e-setup.js';
import { HOST1, M1, ROOT, createAwsKey, startE2e, type E2e } from './inspector2-e2e-setup.js';

/**
 * Issue 18, authentication and bad input, with the real clients against the real `vigil server`:
 * every refusal is the exception AWS itself would send, the CLI prints it as it prints AWS's own
 * ("An error occurred (X) when calling the Y operation: …"), and nothing a refused request carried
 * changes any state (/v1's view of the accounts, rules, filters, tags and findings is compared).
 */
let e: E2e;
const eq = (value: string): Array<{ comparison: 'EQUALS'; value: string }> => [
  { comparison: 'EQUALS', value },
];
const hostArn = `arn:vigil:inspector2:any:${M1}:resource/${HOST1}`;

beforeAll(async () => {
  requireTool('faketime');
  e = await startE2e();
}, 600_000);
afterAll(async () => {
  await e.stop();
});

/** Generous: each AWS CLI call is a Python start, slow on a loaded machine (no timing is asserted). */
const SLOW = 300_000;

/** Everything a refused request could have changed, as /v1 and the API itself show it. */
async function snapshot(): Promise<string> {
  const get = <T>(path: string): Promise<T> => expectStatus<T>(200, e.base, e.keys.root, 'GET', path);
  return JSON.stringify([
    await get('/v1/accounts'),
    await get(`/v1/accounts/${M1}/suppression-rules`),
    (await get<{ tags: unknown }>(`/v1/accounts/${M1}/resources/${HOST1}`)).tags,
    await get(`/v1/accounts/${M1}`),
    (await v1Findings(e, e.keys.root, {})).map((f) => [f.id, f.status]),
    // Inspector's saved filters live only behind /aws/inspector2, which takes vigil bearer keys too.
    await (
      await fetch(`${e.aws.endpoint}/filters/list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${e.keys.root}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json(),
  ]);
}

describe('Inspector2-compatible API: SigV4 and the /v1 role and account checks, through the AWS CLI', () => {
  it(
    'a wrong secret, an unknown access key and a moved clock get AWS’s own exceptions',
    async () => {
      const before = await snapshot();
      const wrong = {
        ...e.creds.admin1,
        secretAccessKey: `${e.creds.admin1.secretAccessKey.slice(0, -4)}AAAA`,
      };
      const tag = ['tag-resource', '--resource-arn', hostArn, '--tags', 'owner=mallory'];
      expect(await e.aws.cliError(wrong, tag)).toEqual({
        exception: 'InvalidSignatureException',
        operation: 'TagResource',
        message: expect.stringMatching(
          /^The request signature we calculated does not match the signature you provided\./,
        ) as string,
      });
      const unknown = { accessKeyId: 'VIGILAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) };
      expect(await e.aws.cliError(unknown, tag)).toMatchObject({
        exception: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
      // The client's clock 20 minutes behind: outside AWS's 15-minute window, in either direction.
      for (const offset of ['-20m', '+20m'])
        expect(await e.aws.cliError(e.creds.admin1, tag, ['faketime', '-f', offset])).toMatchObject({
          exception: 'InvalidSignatureException',
          operation: 'TagResource',
          message: expect.stringMatching(
            /^Signature (expired|not yet current): \d{8}T\d{6}Z is (now earlier|still later) than/,
          ) as string,
        });
      expect(await snapshot()).toBe(before);
      // 10 minutes off is inside the window: the same call with the right secret goes through.
      await e.aws
        .cliRun(e.creds.admin1, ['list-findings', '--max-items', '1'], ['faketime', '-f', '-10m'])
        .then((r) => expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' }));
    },
    SLOW,
  );

  it(
    "another account's key, a read-only key and the delegated admin's member key get /v1's refusals",
    async () => {
      const before = await snapshot();
      const tag = ['tag-resource', '--resource-arn', hostArn, '--tags', 'owner=mallory'];
      // M2's member key: M1 is not its account (its resources and reports do not exist for it).
      expect(await e.aws.cliError(e.creds.member2, tag)).toMatchObject({
        exception: 'AccessDeniedException',
      });
      expect(await e.aws.cliError(e.creds.member2, ['get-member', '--account-id', M1])).toMatchObject({
        exception: 'ResourceNotFoundException',
      });
      const m1 = await v1Findings(e, e.keys.root, { accountId: eq(M1) });
      const arn = `arn:vigil:inspector2:any:${M1}:finding/${m1[0]?.id ?? ''}`;
      const details = await e.aws.cli<{ findingDetails: unknown[]; errors: unknown[] }>(e.creds.member2, [
        'batch-get-finding-details',
        '--finding-arns',
        arn,
      ]);
      expect(details).toEqual({
        findingDetails: [],
        errors: [expect.objectContaining({ findingArn: arn, errorCode: 'ACCESS_DENIED' })],
      });
      const seen = await e.aws.cli<{ findings: unknown[] }>(e.creds.member2, [
        'list-findings',
        '--filter-criteria',
        JSON.stringify({ awsAccountId: eq(M1) }),
      ]);
      expect(seen.findings).toEqual([]);
      // A read-only key reads and changes nothing, as on /v1.
      expect(await e.aws.cliError(e.creds.readOnly1, tag)).toMatchObject({
        exception: 'AccessDeniedException',
      });
      const create = [
        'create-filter',
        '--name',
        'ro',
        '--action',
        'NONE',
        '--filter-criteria',
        JSON.stringify({ severity: eq('HIGH') }),
      ];
      expect(await e.aws.cliError(e.creds.readOnly1, create)).toMatchObject({
        exception: 'AccessDeniedException',
      });
      expect(
        (await e.aws.cli<{ findings: unknown[] }>(e.creds.readOnly1, ['list-findings'])).findings.length,
      ).toBeGreaterThan(0);
      // The delegated administrator's member key reads member accounts but writes into none of them.
      const rootMember = await createAwsKey(e.database, ROOT, 'member');
      expect(await e.aws.cliError(rootMember, tag)).toMatchObject({ exception: 'AccessDeniedException' });
      expect(await e.aws.cli(rootMember, ['list-tags-for-resource', '--resource-arn', hostArn])).toEqual({
        tags: { env: 'e2e', team: 'web' },
      });
      expect(await snapshot()).toBe(before);
      // Revoking the vigil key the credentials are bound to revokes them.
      const revoked = await createAwsKey(e.database, M1, 'admin');
      await e.aws.cli(revoked, ['list-tags-for-resource', '--resource-arn', hostArn]);
      await expectStatus(200, e.base, e.keys.admin1, 'DELETE', `/v1/accounts/${M1}/keys/${revoked.keyId}`);
      expect(await e.aws.cliError(revoked, ['list-findings'])).toMatchObject({
        exception: 'UnrecognizedClientException',
      });
    },
    SLOW,
  );

  it(
    'unsigned, tampered, unknown, unsupported, malformed and 10 MB requests each get a typed exception and change nothing',
    async () => {
      const before = await snapshot();
      const endpoint = e.aws.endpoint;
      const unsigned = await fetch(`${endpoint}/filters/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', action: 'NONE', filterCriteria: {} }),
      });
      expect([unsigned.status, unsigned.headers.get('x-amzn-errortype'), await unsigned.json()]).toEqual([
        403,
        'MissingAuthenticationTokenException',
        expect.objectContaining({ message: 'Missing Authentication Token' }),
      ]);
      // botocore signs a SUPPRESS filter on one package, then the body names another (a valid request).
      const tampered = await e.aws.boto(e.creds.admin1, {
        mode: 'tamper',
        operation: 'CreateFilter',
        params: {
          name: 'tampered',
          action: 'SUPPRESS',
          filterCriteria: { vulnerablePackages: [{ name: { comparison: 'EQUALS', value: 'libc6' } }] },
        },
        replace: ['"libc6"', '"bash1"'],
      });
      expect(tampered).toMatchObject({ ok: false, code: 'InvalidSignatureException', status: 403 });
      const raw = (
        req: Record<string, unknown>,
      ): Promise<{ status: number; errorType: string | null; body: string }> =>
        e.aws.botoOk(e.creds.admin1, { mode: 'raw', ...req });
      const unknownOp = await raw({ method: 'POST', path: '/no/such/operation', body: '{}' });
      expect([unknownOp.status, unknownOp.errorType]).toEqual([404, 'UnknownOperationException']);
      const malformed = await raw({ method: 'POST', path: '/filters/create', body: '{"name": ' });
      expect([malformed.status, malformed.errorType]).toEqual([400, 'ValidationException']);
      const huge = await raw({ method: 'POST', path: '/filters/create', bodyBytes: 10 * 1024 * 1024 });
      expect([huge.status, huge.errorType]).toEqual([413, 'ValidationException']);
      // A model field vigil's shape check refuses: the CLI's own validation lets it through (an enum value).
      const badEnum = await e.aws.boto(e.creds.admin1, {
        mode: 'call',
        operation: 'ListFindings',
        params: { sortCriteria: { field: 'NETWORK_PROTOCOL', sortOrder: 'ASC' } },
      });
      expect(badEnum).toMatchObject({ ok: false, code: 'ValidationException', status: 400 });
      // Operations of the model vigil does not serve: a ValidationException naming them, never a fake answer.
      for (const [args, op] of [
        [['describe-organization-configuration'], 'DescribeOrganizationConfiguration'],
        [['list-usage-totals'], 'ListUsageTotals'],
        [['list-cis-scans'], 'ListCisScans'],
        [['disassociate-member', '--account-id', M1], 'DisassociateMember'],
      ] as const)
        expect(await e.aws.cliError(e.creds.root, args)).toEqual({
          exception: 'ValidationException',
          operation: op,
          message: `vigil does not support the inspector2 operation ${op} (see the README's table of supported operations)`,
        });
      expect(await snapshot()).toBe(before);
    },
    SLOW,
  );
});
