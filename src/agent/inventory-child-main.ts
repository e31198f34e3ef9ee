import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import canonicalize from 'canonicalize';
import type { Inventory } from '../core/inventory.js';
import { writeFileAtomic } from './atomic-file.js';
import { hostInventory, inventoryHash } from './host-inventory.js';
import type { ChildResult, ChildSpec } from './inventory-child.js';

const gzipAsync = promisify(gzip);

/** The child's side: inventory the root, write the gzipped JSON (atomically) and print one result line. */
export async function runInventoryChild(specJson: string, out: NodeJS.WritableStream): Promise<void> {
  const spec = JSON.parse(specJson) as ChildSpec;
  const inventory = await hostInventory(spec.root, spec.hostname);
  const contentHash = contentHashOf(inventory);
  let result: ChildResult;
  if (contentHash === spec.previousContentHash) result = { unchanged: true, contentHash };
  else {
    const hash = inventoryHash(inventory);
    const gz = await gzipAsync(JSON.stringify(inventory));
    const file = `inventory-${hash}.json.gz`;
    await writeFileAtomic(join(spec.stateDir, file), gz, 0o600);
    result = {
      unchanged: false,
      hash,
      contentHash,
      builtAt: inventory.createdAt,
      file,
      packages: inventory.packages.length,
      unknowns: inventory.unknowns.length,
      gzipBytes: gz.byteLength,
    };
  }
  out.write(`${JSON.stringify(result)}\n`);
}

/** The inventory without its createdAt: equal means the same packages, unknowns and OS. */
function contentHashOf(inventory: Inventory): string {
  const { createdAt: _createdAt, ...content } = inventory;
  return createHash('sha256')
    .update(canonicalize(content) ?? '')
    .digest('hex');
}
