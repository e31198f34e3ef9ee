import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { inspector2Model } from '../../../src/server/inspector2/inspector2-model.js';
import { OPERATIONS } from '../../../src/server/inspector2/inspector2-operations.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { seedAndListen, type Seeded } from '../api-server.js';
import { pollUntil } from '../e2e/api-helpers.js';
import { seedAccountB } from '../seeds/isolation-seeds.js';
import type { SeededIds } from '../seeds/seed-context.js';
import { sqliteBackend } from '../service-db-backends.js';

/**
 * The isolation walk of /v1 (test/server/api-isolation.test.ts) over every operation vigil serves at
 * /aws/inspector2, in-process with bearer keys (the same principal SigV4 yields; the SigV4 path itself
 * is proved with the real clients in inspector2-cli-auth.test.ts). Each operation names account B's
 * objects; a new operation without a case here fails the walk.
 */
const backend = sqliteBackend();
let db: ServiceDb;
let s: Seeded;
let b: SeededIds;

const eq = (value: string): Array<{ comparison: string; value: string }> => [{ comparison: 'EQUALS', value }];
const arn = (rest: string): string => `arn:vigil:inspector2:any:acct-b:${rest}`;
const dest = { bucketName: 'bucket', kmsKeyArn: 'key' };

/** Each served operation's input aimed at account B, by operation name. */
function casesAimedAtB(): Record<string, Record<string, unknown>> {
  const byB = { awsAccountId: eq('acct-b') };
  return {
    ListFindings: { filterCriteria: byB },
    BatchGetFindingDetails: { findingArns: [arn(`finding/${b['findingId'] ?? ''}`)] },
    ListCoverage: { filterCriteria: { accountId: eq('acct-b') } },
    ListCoverageStatistics: { filterCriteria: { resourceId: eq(s.resources.b) }, groupBy: 'ACCOUNT_ID' },
    ListFindingAggregations: { aggregationType: 'AWS_EC2_INSTANCE', accountIds: eq('acct-b') },
    CreateFilter: { name: 'aimed at b', action: 'NONE', filterCriteria: byB },
    UpdateFilter: { filterArn: arn(`owner/acct-b/filter/${b['ruleId'] ?? ''}`), name: 'taken' },
    DeleteFilter: { arn: arn(`owner/acct-b/filter/${b['savedFilterId'] ?? ''}`) },
    ListFilters: { arns: [arn(`owner/acct-b/filter/${b['ruleId'] ?? ''}`)] },
    CreateFindingsReport: { reportFormat: 'CSV', s3Destination: dest, filterCriteria: byB },
    GetFindingsReportStatus: { reportId: b['reportId'] },
    CancelFindingsReport: { reportId: b['reportId'] },
    CreateSbomExport: {
      reportFormat: 'CYCLONEDX_1_4',
      s3Destination: dest,
      resourceFilterCriteria: { accountId: eq('acct-b') },
    },
    GetSbomExport: { reportId: b['reportId'] },
    BatchGetAccountStatus: { accountIds: ['acct-b'] },
    Enable: { accountIds: ['acct-b'], resourceTypes: ['ECR'] },
    Disable: { accountIds: ['acct-b'], resourceTypes: ['ECR'] },
    GetConfiguration: {},
    UpdateConfiguration: { ecrConfiguration: { rescanDuration: 'DAYS_30' } },
    ListMembers: {},
    GetMember: { accountId: 'acct-b' },
    AssociateMember: { accountId: 'acct-b' },
    GetDelegatedAdminAccount: {},
    ListTagsForResource: { resourceArn: arn(`resource/${s.resources.b}`) },
    TagResource: { resourceArn: arn(`resource/${s.resources.b}`), tags: { owner: 'mallory' } },
    UntagResource: { resourceArn: arn(`resource/${s.resources.b}`), tagKeys: ['env'] },
  };
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** An operation as the model binds it: uri members into the path, querystring members into the query. */
async function callOp(
  key: string,
  name: string,
  input: Record<string, unknown>,
): Promise<{ status: number; type: string | null; text: string }> {
  const op = inspector2Model().operations[name];
  if (!op) throw new Error(`no operation ${name} in the model`);
  const shape = inspector2Model().shapes[op.input?.shape ?? ''];
  const body: Record<string, unknown> = { ...input };
  const query = new URLSearchParams();
  let path = op.http.requestUri;
  for (const [member, ref] of Object.entries(shape?.members ?? {})) {
    const v = body[member];
    if (v === undefined || !ref.location) continue;
    delete body[member];
    if (ref.location === 'uri')
      path = path.replace(`{${ref.locationName ?? member}}`, encodeURIComponent(asText(v)));
    if (ref.location === 'querystring')
      for (const x of [v].flat()) query.append(ref.locationName ?? member, asText(x));
  }
  const q = query.size > 0 ? `?${query.toString()}` : '';
  const r = await fetch(`${s.base}/aws/inspector2${path}${q}`, {
    method: op.http.method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(op.http.method === 'GET' ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, type: r.headers.get('x-amzn-errortype'), text: await r.text() };
}

/** Every string of a request: an answer may echo what was asked (an ARN in an error entry). */
function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  return v && typeof v === 'object' ? Object.values(v).flatMap(stringsOf) : [];
}

/** Everything a write into B could change (audit rows, which refusals write, left out). */
async function snapshotOfB(): Promise<string> {
  const k = db.kysely;
  return JSON.stringify([
    await k.selectFrom('accounts').selectAll().where('id', '=', 'acct-b').execute(),
    await k.selectFrom('resources').selectAll().where('account_id', '=', 'acct-b').orderBy('id').execute(),
    await k
      .selectFrom('resource_tags')
      .selectAll()
      .where('account_id', '=', 'acct-b')
      .orderBy('key')
      .execute(),
    await k
      .selectFrom('findings')
      .select(['id', 'status'])
      .where('account_id', '=', 'acct-b')
      .orderBy('id')
      .execute(),
    await k
      .selectFrom('suppression_rules')
      .selectAll()
      .where('account_id', '=', 'acct-b')
      .orderBy('id')
      .execute(),
    await k
      .selectFrom('saved_filters')
      .selectAll()
      .where('account_id', '=', 'acct-b')
      .orderBy('id')
      .execute(),
    await k
      .selectFrom('reports')
      .select(['id', 'status'])
      .where('account_id', '=', 'acct-b')
      .orderBy('id')
      .execute(),
  ]);
}

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  s = await seedAndListen(db, 5);
  b = await seedAccountB({ s, db });
  const saved = await callOp(s.keys.adminB, 'CreateFilter', {
    name: "b's own",
    action: 'NONE',
    filterCriteria: { severity: eq('HIGH') },
  });
  expect(saved.status).toBe(200);
  b['savedFilterId'] = /filter\/([^"]+)"/.exec(saved.text)?.[1] ?? '';
  const tagged = await callOp(s.keys.adminB, 'TagResource', {
    resourceArn: arn(`resource/${s.resources.b}`),
    tags: { env: 'prod' },
  });
  expect(tagged.status).toBe(200);
  // B's report finished first, so the walk's snapshots see only what the walk could change.
  await pollUntil(
    "B's report",
    () =>
      db.kysely
        .selectFrom('reports')
        .select('status')
        .where('id', '=', b['reportId'] ?? '')
        .executeTakeFirst(),
    (r) => r?.status === 'SUCCEEDED',
  );
});
afterAll(async () => {
  await s.app.close();
  await db.close();
  await backend.teardown();
});

it('has an isolation case for every operation vigil serves', () => {
  expect(Object.keys(casesAimedAtB()).sort()).toEqual(Object.keys(OPERATIONS).sort());
});

it("walks every served operation: account A's member key gets nothing of B's and changes nothing of B's", async () => {
  const before = await snapshotOfB();
  // B's objects; B's account id alone may be echoed back (a failed account names what was asked for).
  const secrets = Object.entries(b)
    .filter(([k]) => k !== 'accountId')
    .map(([, v]) => v);
  for (const [name, input] of Object.entries(casesAimedAtB())) {
    const r = await callOp(s.keys.memberA, name, input);
    const refused =
      (r.status === 403 && r.type === 'AccessDeniedException') ||
      (r.status === 404 && r.type === 'ResourceNotFoundException');
    const asked = stringsOf(input).filter((x) => x !== 'acct-b' && x.length > 8);
    const answer = asked.reduce((t, asked) => t.split(asked).join(''), r.text);
    const leaked = r.status === 200 && secrets.some((id) => answer.includes(id));
    expect({ name, status: r.status, refusedOrHarmless: refused || (r.status === 200 && !leaked) }).toEqual({
      name,
      status: r.status,
      refusedOrHarmless: true,
    });
  }
  expect(await snapshotOfB()).toBe(before);
});

it("walks every mutating operation: a read-only key and the delegated admin's member key write nothing", async () => {
  const memberOfAdmin = (await createApiKey(db.kysely, { accountId: 'acct-admin', role: 'member' })).key;
  const before = await snapshotOfB();
  const mutating = Object.entries(casesAimedAtB()).filter(([name]) => OPERATIONS[name]?.mutates);
  expect(mutating.length).toBeGreaterThanOrEqual(10);
  for (const [name, input] of mutating) {
    const r = await callOp(s.keys.readOnlyA, name, input);
    expect({ name, status: r.status, type: r.type }).toEqual({
      name,
      status: 403,
      type: 'AccessDeniedException',
    });
  }
  // Writes the member key of the delegated administrator could aim at B (the others act on its own account).
  for (const name of [
    'UpdateFilter',
    'DeleteFilter',
    'Enable',
    'Disable',
    'AssociateMember',
    'TagResource',
    'UntagResource',
  ]) {
    const r = await callOp(memberOfAdmin, name, casesAimedAtB()[name] ?? {});
    expect({ name, status: r.status, type: r.type }).toEqual({
      name,
      status: 403,
      type: 'AccessDeniedException',
    });
  }
  expect(await snapshotOfB()).toBe(before);
  // It still reads B, as every key of the delegated administrator does.
  const read = await callOp(
    memberOfAdmin,
    'ListTagsForResource',
    casesAimedAtB()['ListTagsForResource'] ?? {},
  );
  expect([read.status, JSON.parse(read.text)]).toEqual([200, { tags: { env: 'prod' } }]);
});
