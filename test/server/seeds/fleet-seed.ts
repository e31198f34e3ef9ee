import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's enrollment token (through the API) and a host enrolled with it, so B has a host key,
 * an agent row and coverage the walk must not reach. The token itself never leaves this seed.
 */
export async function seedFleet({ s }: SeedContext): Promise<SeededIds> {
  const token = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/enrollment-tokens', {
    tags: { secret: 'b-only' },
  });
  if (token.status !== 201) throw new Error(`fleet seed: token ${token.status}`);
  const t = token.json as { id: string; token: string };
  const enrolled = await call(s.base, undefined, 'POST', '/v1/agent/enroll', {
    token: t.token,
    machineId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0',
    hostname: 'host-of-b',
    agentVersion: '0.1.0',
  });
  if (enrolled.status !== 201) throw new Error(`fleet seed: enroll ${enrolled.status}`);
  return { tokenId: t.id, enrolledHostId: (enrolled.json as { resourceId: string }).resourceId };
}
