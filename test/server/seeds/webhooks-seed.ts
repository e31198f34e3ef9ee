import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/** Creates account B's webhook subscription through the API; returns the path parameter naming it. */
export async function seedWebhooks({ s }: SeedContext): Promise<SeededIds> {
  // Port 9 (discard): nothing listens there (and fetch refuses the port), so a dispatcher running in
  // the walk fails to deliver; the seeded server allows egress to 127.0.0.1.
  const r = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/webhooks', {
    url: 'http://127.0.0.1:9/vigil-isolation',
  });
  if (r.status !== 201) throw new Error(`webhooks seed: ${r.status} ${JSON.stringify(r.json)}`);
  return { subscriptionId: (r.json as { id: string }).id };
}
