import { CachingVulnStore } from '../vulndb/caching-vuln-store.js';
import type { VulnDbReader } from '../vulndb/vuln-db-reader.js';
import type { VulnStore } from '../vulndb/vuln-types.js';

/** The longest a worker thread keeps what it read, even if the DB never changes (bounds its memory). */
const MAX_AGE_MS = 10 * 60_000;

/**
 * What a worker thread read from the vulnerability DB for check-ins (affected rows per (ecosystem,
 * name), records, CVSS, KEV, EPSS), kept across check-ins until the DB changes: a fleet shares few
 * distinct packages, so a changed host mostly reads from memory. Forgotten at once when another
 * connection committed to the DB (SQLite's data_version: an import, `vigil db import` beside the
 * server), and at the latest after MAX_AGE_MS. Matching itself stays THE scan service's, so what a
 * check-in finds is exactly what a scan of the same inventory finds.
 */
export class VulnReadMemo {
  private cache: CachingVulnStore | undefined;
  private generation = -1;
  private since = 0;

  constructor(
    private readonly reader: () => VulnDbReader,
    private readonly clock: () => number = Date.now,
  ) {}

  store(): VulnStore {
    const r = this.reader();
    const generation = r.generation();
    const now = this.clock();
    if (!this.cache || generation !== this.generation || now - this.since > MAX_AGE_MS) {
      this.cache = new CachingVulnStore(r.store);
      this.generation = generation;
      this.since = now;
    }
    return this.cache;
  }
}
