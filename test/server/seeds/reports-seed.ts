import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/** Account B's report, queued through the API by B's member key: the isolation walk's {reportId}. */
export async function seedReports({ s }: SeedContext): Promise<SeededIds> {
  const r = await call(s.base, s.keys.memberB, 'POST', '/v1/reports', { format: 'CSV' });
  if (r.status !== 202) throw new Error(`seeding a report: ${r.status} ${JSON.stringify(r.json)}`);
  return { reportId: (r.json as { reportId: string }).reportId };
}
