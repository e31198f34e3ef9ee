import type { Selectable } from 'kysely';
import type { Inventory } from '../core/inventory.js';
import type { Egress } from '../egress/egress-client.js';
import { imageResource } from '../resources/resource-details.js';
import { scanTarget } from './scan-service.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import type { StoreContext } from '../store/store-context.js';
import type { ScanTable } from '../store/service-db-schema.js';
import { applyFinishedScan } from './scan-apply.js';
import { failScan } from './scan-store.js';
import { serverImageOptions, type ImageScanAsk } from './image-scan-policy.js';

/** The inventory as stored: the image config's Env may hold secrets and is not kept. */
function storable(inv: Inventory): Inventory {
  const img = inv.source.image;
  const config = img?.['config'];
  if (!img || typeof config !== 'object' || config === null) return inv;
  const { env: _env, ...rest } = config as Record<string, unknown>;
  return { ...inv, source: { ...inv.source, image: { ...img, config: rest } } };
}

/**
 * Runs one claimed image scan with THE scan service and writes the outcome: SUCCEEDED with the
 * resource, inventory, findings and summary (one transaction), or FAILED with a stable `{code, message}`
 * and nothing else written.
 */
export async function runImageScan(
  ctx: StoreContext & { egress: Egress },
  store: VulnStore,
  row: Selectable<ScanTable>,
): Promise<void> {
  const req = JSON.parse(row.request_json) as ImageScanAsk;
  const now = ctx.now();
  try {
    const result = await scanTarget(
      { kind: 'image', ref: req.reference, options: serverImageOptions(req, ctx.egress) },
      { store, accountId: row.account_id, now, resource: imageResource },
    );
    const resource = imageResource(result.inventory);
    await applyFinishedScan(ctx.db, {
      accountId: row.account_id,
      scan: { id: row.id, kind: 'image' },
      resource,
      inventory: storable(result.inventory),
      findings: result.findings,
      now,
    });
  } catch (err) {
    await failScan(ctx, row.id, err);
  }
}
