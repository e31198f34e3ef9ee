import type { Seeded } from '../api-server.js';
import type { ServiceDb } from '../../../src/store/service-db.js';

export interface SeedContext {
  s: Seeded;
  db: ServiceDb;
}

/** Path parameter name → the id of account B's object (ruleId → B's rule…). */
export type SeededIds = Record<string, string>;
