import type { Selectable } from 'kysely';
import { isVigilError } from '../../core/errors/vigil-error.js';
import type { Inventory } from '../../core/inventory.js';
import type { FindingResource } from '../../findings/finding-types.js';
import { scanTarget } from '../../scan/scan-service.js';
import type { VulnStore } from '../../vulndb/vuln-types.js';
import type { ServerContext } from '../server-context.js';
import type { ScanTable } from '../storage/service-db-schema.js';
import { applyFinishedScan } from './scan-apply.js';

interface ImageScanRequest {
  reference: string;
  insecure?: boolean;
  platform?: string;
}

/** A CONTAINER_IMAGE resource: its id is the manifest digest, so every tag of one image is one resource. */
export function imageResource(inv: Inventory): FindingResource {
  const img = inv.source.image ?? {};
  const str = (k: string): string | undefined => (typeof img[k] === 'string' ? img[k] : undefined);
  const config = (img['config'] ?? {}) as { os?: string; architecture?: string; variant?: string };
  const digest = str('digest') ?? str('configDigest') ?? inv.source.target;
  const registry = str('registry');
  const repository = str('repository');
  return {
    id: digest,
    type: 'CONTAINER_IMAGE',
    details: {
      repositoryName: registry && repository ? `${registry}/${repository}` : (repository ?? null),
      imageTags: Array.isArray(img['tags']) ? img['tags'] : [],
      imageHash: digest,
      registry: registry ?? null,
      platform: [config.os, config.architecture, config.variant].filter(Boolean).join('/') || null,
    },
  };
}

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
  ctx: ServerContext,
  store: VulnStore,
  row: Selectable<ScanTable>,
): Promise<void> {
  const req = JSON.parse(row.request_json) as ImageScanRequest;
  const now = ctx.now();
  try {
    const options = {
      ...(req.insecure ? { insecure: true } : {}),
      ...(req.platform ? { platform: req.platform } : {}),
    };
    const result = await scanTarget(
      { kind: 'image', ref: req.reference, options },
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

export async function failScan(ctx: ServerContext, id: string, err: unknown): Promise<void> {
  // Only vigil's own errors say what went wrong; anything else may carry paths or SQL.
  const error = isVigilError(err)
    ? { code: err.code, message: err.message }
    : { code: 'INTERNAL', message: 'internal error' };
  await ctx.db
    .updateTable('scans')
    .set({ status: 'FAILED', error_json: JSON.stringify(error), finished_at: ctx.now().toISOString() })
    .where('id', '=', id)
    .execute();
}
