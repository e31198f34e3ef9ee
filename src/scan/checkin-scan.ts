import type { Inventory } from '../core/inventory.js';
import { findingPackageKey } from '../findings/finding-digest.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import type { MatchNote } from '../match/match-types.js';
import { inventoryDelta, type InventoryDelta, type KnownInventory } from '../resources/inventory-delta.js';
import { prepareInventoryIndex, type PreparedIndex } from '../resources/inventory-index.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { scanTarget } from './scan-service.js';

/** A check-in's scan: its findings and notes, and the inventory as it is stored, with its index. */
export interface CheckinScanned {
  findings: Finding[];
  matchCount: number;
  notes: MatchNote[];
  inventoryJson: string;
  index: PreparedIndex;
  packages: number;
  /** Set when only the components that changed since the stored inventory were matched. */
  delta?: InventoryDelta;
}

/**
 * THE scan service on a host's inventory. With `known` (the index of the inventory the server holds,
 * whose findings are current), only the lookup components that changed are matched, and the findings
 * are those of the changed package keys (`delta.scope`): a component's findings depend on its packages
 * alone (lookup-keys.ts), so the rest would come out as they are stored. Without it, or when the OS
 * changed, the whole inventory.
 */
export async function scanCheckinInventory(
  inventory: Inventory,
  known: KnownInventory | undefined,
  s: { store: VulnStore; accountId: string; now: Date; resource: FindingResource },
): Promise<CheckinScanned> {
  const index = prepareInventoryIndex(inventory);
  const delta = known ? inventoryDelta(known, index) : undefined;
  const stored = { inventoryJson: JSON.stringify(inventory), index, packages: inventory.packages.length };
  const scan = (packages: Inventory['packages']) =>
    scanTarget(
      { kind: 'inventory', inventory: { ...inventory, packages } },
      { store: s.store, accountId: s.accountId, now: s.now, resource: () => s.resource },
    );
  if (!delta) {
    const result = await scan(inventory.packages);
    return { findings: result.findings, matchCount: result.matchCount, notes: result.notes, ...stored };
  }
  const changed = new Set(delta.components);
  const positions = new Set(
    index.rows
      .filter((r) => changed.has(r.component))
      .flatMap((r) => JSON.parse(r.positions_json) as number[]),
  );
  const packages = inventory.packages.filter((_, i) => positions.has(i));
  // Only removals: nothing to match, the changed keys' findings are none.
  if (packages.length === 0) return { findings: [], matchCount: 0, notes: [], ...stored, delta };
  const result = await scan(packages);
  const scope = new Set(delta.scope);
  const findings = result.findings.filter((f) => scope.has(findingPackageKey(f) ?? ''));
  return { findings, matchCount: result.matchCount, notes: result.notes, ...stored, delta };
}
