import type { Inventory } from '../core/inventory.js';
import { isOsEcosystem } from '../core/ecosystem.js';
import { isVigilError } from '../core/errors/vigil-error.js';
import type { ScanOutcome } from '../resources/coverage/coverage-decision.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import type { MatchNote } from '../match/match-types.js';
import type { InventoryDelta, KnownInventory } from '../resources/inventory-delta.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import type { StoredInventory } from './scan-apply.js';
import { ScanFailedError } from './scan-failed-error.js';
import { scanCheckinInventory, type CheckinScanned } from './checkin-scan.js';
import type { CheckinScanTask } from './worker-tasks.js';
import type { WorkerPool } from './worker-pool.js';

export interface CheckinScan {
  findings: Finding[];
  notes: MatchNote[];
  stored: StoredInventory;
  delta?: InventoryDelta & { knownAt: string };
}

/**
 * THE scan service on the inventory: on a worker thread when there is a pool (its memo of DB reads
 * makes a host that shares its packages with the fleet cheap), else here. A full pool is SERVER_BUSY
 * as it is; any other failure to match is the server's (ScanFailedError: 500, INTERNAL_ERROR).
 */
export async function matchCheckin(
  ctx: { pool?: WorkerPool },
  store: VulnStore,
  s: { inventory: Inventory; accountId: string; now: Date; resource: FindingResource },
  known: KnownInventory | undefined,
): Promise<CheckinScan> {
  const { inventory, accountId, now, resource } = s;
  try {
    let r: Omit<CheckinScanned, 'findings'> & { findings?: Finding[]; findingsJson?: string };
    if (ctx.pool) {
      const task: CheckinScanTask = {
        kind: 'scan-checkin',
        inventory,
        accountId,
        now: now.toISOString(),
        resource,
      };
      r = await ctx.pool.run(known ? { ...task, known } : task);
    } else r = await scanCheckinInventory(inventory, known, { store, accountId, now, resource });
    const findings = r.findings ?? (JSON.parse(r.findingsJson ?? '[]') as Finding[]);
    const stored = { json: r.inventoryJson, packages: r.packages, index: r.index };
    const delta = r.delta && known ? { ...r.delta, knownAt: known.updatedAt } : undefined;
    return { findings, notes: r.notes, stored, ...(delta ? { delta } : {}) };
  } catch (err) {
    if (isVigilError(err) && err.code === 'SERVER_BUSY') throw err;
    throw new ScanFailedError(err);
  }
}

/**
 * SUCCESSFUL; NO_INVENTORY for an inventory without packages (which closes nothing); UNSUPPORTED_OS
 * when the vulnerability DB has nothing for the host's OS and release (its language packages were
 * still matched, and the message says how many).
 */
export function outcomeOf(
  inventory: Inventory,
  notes: readonly MatchNote[],
): { outcome: ScanOutcome; message: string | null } {
  if (inventory.packages.length === 0)
    return { outcome: 'NO_INVENTORY', message: 'the inventory holds no packages' };
  const noData = notes.find((n) => n.kind === 'no-os-data');
  if (!noData) return { outcome: 'SUCCESSFUL', message: null };
  const language = inventory.packages.filter((p) => !isOsEcosystem(p.ecosystem)).length;
  return {
    outcome: 'UNSUPPORTED_OS',
    message: `${noData.message}; its ${language} language packages were matched`,
  };
}
