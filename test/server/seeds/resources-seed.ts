import { randomUUID } from 'node:crypto';
import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's resources objects: a repository registered through the API, and a queued image scan.
 * The isolation server has no vulnerability DB, so POST …/image-scans answers 503 there; the scan row
 * is written as that route writes it, and the walk checks that A cannot read it.
 */
export async function seedResources({ s, db }: SeedContext): Promise<SeededIds> {
  const repo = await call(s.base, s.keys.memberB, 'POST', '/v1/accounts/acct-b/resources', {
    id: 'repo-b/app',
    type: 'CONTAINER_REPOSITORY',
    tags: { secret: 'b-only' },
  });
  if (repo.status !== 201) throw new Error(`seed: resource of B not created (${repo.status})`);
  const scanId = `scan-b-${randomUUID()}`;
  await db.kysely
    .insertInto('scans')
    .values({
      id: scanId,
      account_id: 'acct-b',
      resource_id: null,
      kind: 'image',
      status: 'QUEUED',
      request_json: JSON.stringify({ reference: 'registry.example/b/private:1' }),
      summary_json: null,
      error_json: null,
      created_at: '2026-03-01T00:00:00.000Z',
      started_at: null,
      finished_at: null,
    })
    .execute();
  return { scanId };
}
