import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's cloud network (through the API): its one instance has no agent, so B also has an
 * agentless HOST resource (id: the instance id) with NO_AGENT findings and UNMANAGED_EC2_INSTANCE
 * coverage, which the walk must neither reach nor change.
 */
export async function seedCloudNetwork({ s }: SeedContext): Promise<SeededIds> {
  const path = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'src',
    'network',
    'cloud',
    'testdata',
    'vpc-web.json',
  );
  const body = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const r = await call(s.base, s.keys.adminB, 'PUT', '/v1/accounts/acct-b/cloud-network', body);
  const without = (r.json as { instancesWithoutHost?: string[] } | undefined)?.instancesWithoutHost;
  if (r.status !== 200 || without?.length !== 1) throw new Error(`cloud network seed: ${r.status}`);
  return { agentlessResourceId: without[0] as string };
}
