import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildAwsNetwork } from '../../src/network/cloud/aws-network-model.js';
import { analyzeAwsPaths } from '../../src/network/cloud/aws-path-analysis.js';
import {
  cloudReachabilityFindings,
  type NetworkFindingDraft,
} from '../../src/network/reachability-findings.js';

/** The drafts are Findings once the lifecycle adds its fields: checked by the compiler, and here. */
function asFinding(d: NetworkFindingDraft): Finding {
  const { fingerprint: _fingerprint, category: _category, ...rest } = d;
  const now = '2026-01-01T00:00:00.000Z';
  return {
    ...rest,
    id: 'f-1',
    accountId: 'acct-1',
    status: 'ACTIVE',
    firstObservedAt: now,
    lastObservedAt: now,
    updatedAt: now,
  };
}

describe('NETWORK_REACHABILITY drafts fit the Finding shape', () => {
  it('with networkReachabilityDetails as Inspector has it', () => {
    const vpc: unknown = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', 'src', 'network', 'cloud', 'testdata', 'vpc-web.json'),
        'utf8',
      ),
    );
    const drafts = cloudReachabilityFindings(analyzeAwsPaths(buildAwsNetwork(vpc)), new Map());
    const f = asFinding(drafts[0] as NetworkFindingDraft);
    expect(f).toMatchObject({
      type: 'NETWORK_REACHABILITY',
      networkReachabilityDetails: { protocol: 'TCP', openPortRange: { begin: 22, end: 22 } },
    });
    expect(Object.keys(f.networkReachabilityDetails ?? {}).sort()).toEqual([
      'networkPath',
      'openPortRange',
      'protocol',
    ]);
  });
});
