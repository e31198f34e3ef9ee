import type { Finding } from '../../src/findings/finding-types.js';

export const HOST_FINDING_AT = '2026-02-01T00:00:00.000Z';

/** An ACTIVE finding on host-1 of account a1, for the store's upgrade and index tests. */
export function hostFinding(id: string, overrides: Partial<Finding> = {}): Finding {
  const at = HOST_FINDING_AT;
  return {
    id,
    accountId: 'a1',
    type: 'PACKAGE_VULNERABILITY',
    status: 'ACTIVE',
    severity: 'HIGH',
    title: `${id} in openssl`,
    description: id,
    firstObservedAt: at,
    lastObservedAt: at,
    updatedAt: at,
    fixAvailable: 'YES',
    exploitAvailable: 'NO',
    remediation: { recommendation: { text: 'upgrade' } },
    resources: [{ id: 'host-1', type: 'HOST', details: { lastInventoryAt: at }, tags: {} }],
    ...overrides,
  };
}
