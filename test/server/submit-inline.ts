import { submitHostInventory, type HostSubmission } from '../../src/scan/inventory-submission.js';
import type { ScanSummary } from '../../src/scan/scan-apply.js';
import { WorkerPool } from '../../src/scan/worker-pool.js';
import type { StoreContext } from '../../src/store/store-context.js';
import type { VulnStore } from '../../src/vulndb/vuln-types.js';

/**
 * A host inventory submitted as the inventory route submits it (JSON bytes, read and matched through
 * the worker pool), with the pool run inline on this thread: for tests that drive the scan service
 * without a server. The schema is the route's to check; here any JSON object passes.
 */
export async function submitInline(
  ctx: StoreContext,
  store: VulnStore,
  s: Omit<HostSubmission, 'body' | 'schema'> & { body: unknown },
): Promise<ScanSummary> {
  const pool = new WorkerPool({ threads: 0, maxQueuedSubmissions: 0, vulns: store });
  try {
    const body = Buffer.from(JSON.stringify(s.body));
    return await submitHostInventory(ctx, pool, { ...s, body, schema: { type: 'object' } });
  } finally {
    await pool.close();
  }
}
