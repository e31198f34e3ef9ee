import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's trusted CIDRs (through the API): the walk must neither read them from A nor change them.
 * The returned key names no path parameter; its value is checked like B's ids, never to appear in A's
 * answers.
 */
export async function seedNetworkSettings({ s }: SeedContext): Promise<SeededIds> {
  const trusted = '100.81.7.0/24';
  const r = await call(s.base, s.keys.adminB, 'PUT', '/v1/accounts/acct-b/network-settings', {
    trustedCidrs: [trusted],
  });
  if (r.status !== 200) throw new Error(`network settings seed: ${r.status}`);
  return { trustedCidrOfB: trusted };
}
