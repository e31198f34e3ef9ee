import { networkInterfaces } from 'node:os';

/**
 * The live host's own addresses (not loopback, not link-local), sent so the server can show them. A
 * mounted root (--root other than /) is not this machine: its addresses are unknown, so none are sent.
 */
export function hostAddresses(root: string): string[] | undefined {
  if (root !== '/') return undefined;
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || a.address.startsWith('fe80:') || a.address.startsWith('169.254.')) continue;
      out.add(a.address);
    }
  }
  return [...out].slice(0, 64);
}
