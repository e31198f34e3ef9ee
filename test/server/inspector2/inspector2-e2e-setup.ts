import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '../../../src/core/inventory.js';
import type { FilterCriteria } from '../../../src/findings/filter-criteria.js';
import type { Finding } from '../../../src/findings/finding-types.js';
import { runCli } from '../../cli/built-cli.js';
import { debianRootfs } from '../../fixtures/debian-rootfs.js';
import { matchingDbPath } from '../../matching/fixtures/matching-db.js';
import { expectStatus } from '../e2e/api-helpers.js';
import { inventoryOfRootfs } from '../e2e/inventory-fixtures.js';
import { createFirstKey, startServerProcess, type ServerProcess } from '../e2e/server-process.js';
import { AwsClients, parseAwsCreds, type AwsCreds } from './aws-clients.js';

/** Account ids AWS clients accept (GetMember/AssociateMember insist on 12 digits client-side). */
export const ROOT = '100000000000';
export const M1 = '111111111111';
export const M2 = '222222222222';
export const HOST1 = 'web-bookworm';
export const HOST2 = 'db-bullseye';

export interface E2e {
  dir: string;
  database: string;
  server: ServerProcess;
  base: string;
  aws: AwsClients;
  /** Bearer keys for /v1: the delegated admin (ROOT), M1's admin, M2's member. */
  keys: { root: string; admin1: string; member2: string };
  /** AWS credentials from `vigil admin create-key --format aws`. */
  creds: { root: AwsCreds; admin1: AwsCreds; member2: AwsCreds; readOnly1: AwsCreds };
  stop(): Promise<void>;
}

/** `vigil admin create-key --format aws` on the server's database: the credentials and the vigil key id. */
export async function createAwsKey(
  database: string,
  account: string,
  role: string,
): Promise<AwsCreds & { keyId: string }> {
  const r = await runCli([
    'admin',
    'create-key',
    '--format',
    'aws',
    '--account',
    account,
    '--role',
    role,
    '--database',
    database,
  ]);
  if (r.code !== 0) throw new Error(`create-key --format aws exited ${r.code}: ${r.stderr}`);
  const keyId = /\(id ([0-9a-f-]{36})\)/.exec(r.stderr)?.[1];
  if (!keyId) throw new Error(`create-key --format aws named no key id: ${r.stderr}`);
  return { ...parseAwsCreds(r.stdout), keyId };
}

/**
 * As the service e2e test: the real `vigil server` process on a SQLite file with the real matching DB,
 * an organization (delegated admin ROOT, members M1 and M2), a debootstrapped bookworm host in M1 and
 * a bullseye host in M2 with their real inventories; bearer keys and AWS credentials of each role.
 */
export async function startE2e(): Promise<E2e> {
  const [bookworm, bullseye, vulndb] = await Promise.all([
    debianRootfs({ suite: 'bookworm' }).then(inventoryOfRootfs),
    debianRootfs({ suite: 'bullseye' }).then(inventoryOfRootfs),
    matchingDbPath(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-inspector2-e2e-'));
  const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
  const root = await createFirstKey(database, ROOT);
  const server = await startServerProcess([
    '--database',
    database,
    '--db',
    vulndb,
    '--poll-interval-ms',
    '200',
  ]);
  const base = server.base;
  const post = <T>(key: string, path: string, body: unknown, status = 201): Promise<T> =>
    expectStatus<T>(status, base, key, 'POST', path, body);
  const org = await post<{ id: string }>(root, '/v1/organizations', { name: 'Inspector2 e2e' });
  const hosts: Array<[string, string, Inventory, Record<string, string>]> = [
    [M1, HOST1, bookworm, { env: 'e2e', team: 'web' }],
    [M2, HOST2, bullseye, { env: 'e2e' }],
  ];
  for (const [account, host, inventory, tags] of hosts) {
    await post(root, `/v1/organizations/${org.id}/accounts`, { id: account, name: account });
    await post(root, `/v1/accounts/${account}/resources`, { id: host, type: 'HOST', tags });
    await post(root, `/v1/accounts/${account}/resources/${host}/inventory`, inventory, 200);
  }
  const key = async (account: string, role: string): Promise<string> =>
    (await post<{ key: string }>(root, `/v1/accounts/${account}/keys`, { role })).key;
  const keys = { root, admin1: await key(M1, 'admin'), member2: await key(M2, 'member') };
  const creds = {
    root: await createAwsKey(database, ROOT, 'admin'),
    admin1: await createAwsKey(database, M1, 'admin'),
    member2: await createAwsKey(database, M2, 'member'),
    readOnly1: await createAwsKey(database, M1, 'read-only'),
  };
  const aws = AwsClients.find(`${base}/aws/inspector2`);
  return {
    dir,
    database,
    server,
    base,
    aws,
    keys,
    creds,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GET /v1/findings under a filter and sort, every page: the ids in the order /v1 gives them. */
export async function v1FindingIds(
  e: E2e,
  key: string,
  filter: FilterCriteria,
  sort: { sortBy: string; sortOrder: string } = { sortBy: 'id', sortOrder: 'ASC' },
): Promise<string[]> {
  return (await v1Findings(e, key, filter, sort)).map((f) => f.id);
}

export async function v1Findings(
  e: E2e,
  key: string,
  filter: FilterCriteria,
  sort: { sortBy: string; sortOrder: string } = { sortBy: 'id', sortOrder: 'ASC' },
): Promise<Finding[]> {
  const out: Finding[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ filter: JSON.stringify(filter), maxResults: '200', ...sort });
    if (token) q.set('nextToken', token);
    const r = await expectStatus<{ findings: Finding[]; nextToken?: string }>(
      200,
      e.base,
      key,
      'GET',
      `/v1/findings?${q.toString()}`,
    );
    out.push(...r.findings);
    token = r.nextToken;
  } while (token);
  return out;
}

/** The finding id of a vigil finding ARN (and its account, checked against the finding's). */
export function idOfArn(arn: string): { accountId: string; id: string } {
  const m = /^arn:vigil:inspector2:any:([^:]+):finding\/([0-9a-f]{32})$/.exec(arn);
  if (!m?.[1] || !m[2]) throw new Error(`not a finding ARN: ${arn}`);
  return { accountId: m[1], id: m[2] };
}
