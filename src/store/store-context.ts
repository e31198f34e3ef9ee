import type { Kysely } from 'kysely';
import type { ServiceDialect } from './service-db.js';
import type { ServiceDatabase } from './service-db-schema.js';

/**
 * What domain code needs to read and write the service DB: the Kysely handle, the dialect for the few
 * non-portable statements (row locks), and the clock (tests move it instead of sleeping).
 */
export interface StoreContext {
  db: Kysely<ServiceDatabase>;
  dialect: ServiceDialect;
  now: () => Date;
}
