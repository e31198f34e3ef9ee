import { seedAccounts } from './accounts-seed.js';
import { seedCloudNetwork } from './cloud-network-seed.js';
import { seedFleet } from './fleet-seed.js';
import { seedNetworkSettings } from './network-settings-seed.js';
import { seedReports } from './reports-seed.js';
import { seedResources } from './resources-seed.js';
import { seedSuppression } from './suppression-seed.js';
import { seedVex } from './vex-seed.js';
import { seedWebhooks } from './webhooks-seed.js';
import { seedVulnDbImports } from './vulndb-imports-seed.js';
import { seedRegistries } from './registries-seed.js';
import { seedCisScans } from './cis-scan-seed.js';
import { seedAppliedObjects } from './applied-objects-seed.js';
import { seedClassicAssessments } from './classic-seed.js';
import { seedJobs } from './jobs-seed.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Every feature's seed of account B's objects, listed explicitly: the isolation walk fills each path
 * parameter with B's id from here, and fails on a parameter nobody seeds.
 */
const SEEDS: ReadonlyArray<(c: SeedContext) => Promise<SeededIds>> = [
  seedAccounts,
  seedResources,
  seedSuppression,
  seedVex,
  seedReports,
  seedWebhooks,
  seedFleet,
  seedVulnDbImports,
  seedCloudNetwork,
  seedRegistries,
  seedNetworkSettings,
  seedCisScans,
  seedAppliedObjects,
  seedClassicAssessments,
  seedJobs,
];

export async function seedAccountB(c: SeedContext): Promise<SeededIds> {
  const ids: SeededIds = { accountId: 'acct-b', resourceId: c.s.resources.b };
  for (const seed of SEEDS) Object.assign(ids, await seed(c));
  return ids;
}
