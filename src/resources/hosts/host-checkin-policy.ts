import { ClockSkewError } from './clock-skew-error.js';
import type { HostCheckinState } from './host-agent-store.js';

/** A stored inventory older than this is asked for again, changed or not (the contract's "daily"). */
export const MAX_INVENTORY_AGE_MS = 24 * 3600 * 1000;
/** An agent clock further off than this is refused (CLOCK_SKEW); closer, the server's clock rules. */
export const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

/** Reasons under which the server scans nothing of the host, so it wants no inventory. */
const NOT_SCANNED = new Set(['EXCLUDED_BY_TAG', 'SCAN_TYPE_DISABLED', 'RESOURCE_TERMINATED']);

/** Whether the server scans this host's inventories at all (not excluded, switched off or gone). */
export function scansHost(host: Pick<HostCheckinState, 'reason'>): boolean {
  return host.reason === null || !NOT_SCANNED.has(host.reason);
}

/**
 * Whether a check-in's answer asks for a full inventory: never for a host the server does not scan;
 * otherwise when it holds none (new enrollment, a failed or forgotten one), when the agent's hash
 * differs from the stored one, or when the stored one is older than a day.
 */
export function wantsInventory(host: HostCheckinState, presentedHash: string, now: Date): boolean {
  if (!scansHost(host)) return false;
  if (host.inventoryHash === null || host.inventoryHash !== presentedHash) return true;
  return (
    host.lastInventoryAt === null || now.getTime() - Date.parse(host.lastInventoryAt) > MAX_INVENTORY_AGE_MS
  );
}

/** Refuses an agent whose clock is absurd; a merely skewed one still works (nothing uses its time). */
export function requireSaneClock(sentAt: string, now: Date): void {
  const t = Date.parse(sentAt);
  if (!Number.isFinite(t) || Math.abs(t - now.getTime()) > MAX_CLOCK_SKEW_MS)
    throw new ClockSkewError(sentAt, now.toISOString());
}
