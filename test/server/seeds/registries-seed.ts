import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's watched registry through the API; returns the path parameter naming it. */
export async function seedRegistries({ s }: SeedContext): Promise<SeededIds> {
  // Port 9: nothing listens there; the walk's checks fail to connect, as they should for anyone.
  const r = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/registries', {
    name: 'b-registry',
    url: '127.0.0.1:9',
    credentials: { username: 'b-user', password: 'b-password-isolation' },
    discovery: 'NOTIFICATIONS',
  });
  if (r.status !== 201) throw new Error(`registries seed: ${r.status} ${JSON.stringify(r.json)}`);
  return { registryId: (r.json as { id: string }).id };
}
