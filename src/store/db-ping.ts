import { sql, type Kysely } from 'kysely';
import type { ServiceDatabase } from './service-db-schema.js';

/** One round trip to the service DB; throws when it cannot be reached. */
export async function pingServiceDb(db: Kysely<ServiceDatabase>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
