import type { Migration, MigrationProvider } from 'kysely';
import { m0001Initial } from './migrations/m0001-initial.js';
import { m0002AffectedReviewed } from './migrations/m0002-affected-reviewed.js';
import { m0003ImportLog } from './migrations/m0003-import-log.js';

/** Every migration, in order, listed explicitly (no directory scan: works from dist/ and from tests). */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': m0001Initial,
  '0002-affected-reviewed': m0002AffectedReviewed,
  '0003-import-log': m0003ImportLog,
};

export const vulnDbMigrations: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
