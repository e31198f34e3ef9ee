import type { Resource } from '../api/api-types.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The OS of a host (details.os) or the platform of an image, as one line. */
export function osOf(r: Pick<Resource, 'details'>): string {
  const os = r.details['os'];
  if (os && typeof os === 'object') {
    const o = os as Record<string, unknown>;
    return (
      [str(o['family']) ?? str(o['id']) ?? str(o['name']), str(o['version'])].filter(Boolean).join(' ') || '—'
    );
  }
  return str(r.details['platform']) ?? str(r.details['architecture']) ?? '—';
}

/** When the resource was last scanned, as far as its details say (host inventory or image scan). */
export function lastScanOf(r: Pick<Resource, 'details'>): string | undefined {
  return str(r.details['lastInventoryAt']) ?? str(r.details['lastScannedAt']) ?? str(r.details['scannedAt']);
}
