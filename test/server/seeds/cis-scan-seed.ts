import { startDueCisScans } from '../../../src/scan/cis/cis-scan-start.js';
import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's CIS scan configuration (through the API, with B's admin key) and one scan of it, started
 * by the scheduler's own function at the configuration's planned time: the walk aims A's keys at both.
 */
export async function seedCisScans({ s, db }: SeedContext): Promise<SeededIds> {
  const r = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/cis-scan-configurations', {
    scanName: 'isolation seed',
    securityLevel: 'LEVEL_1',
    schedule: { oneTime: {} },
  });
  if (r.status !== 201) throw new Error(`CIS scan configuration seed: ${r.status}`);
  const config = r.json as { scanConfigurationId: string; nextRunAt: string };
  const [scanId] = await startDueCisScans(db.kysely, { now: new Date(config.nextRunAt), waitSeconds: 3600 });
  if (!scanId) throw new Error('CIS scan seed: no scan started');
  return { scanConfigurationId: config.scanConfigurationId, cisScanId: scanId };
}
