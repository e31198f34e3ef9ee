import type { Finding, FindingType, FixAvailable, ResourceType } from '../../src/findings/finding-types.js';
import { SeededRandom } from '../../src/core/seeded-random.js';
import type {
  DateFilter,
  FilterCriteria,
  MapFilter,
  NumberFilter,
  PortRangeFilter,
  ResourceTags,
  StringFilter,
} from '../../src/findings/filter-criteria.js';
import type { Severity } from '../../src/risk/severity-band.js';

/** Mulberry32: a seeded PRNG, so a failing property run can be replayed from its seed. */
export function rng(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}

export const POOLS = {
  accountId: ['acct-a', 'acct-b', 'acct-ab'],
  vulnerabilityId: [
    'CVE-2024-0001',
    'CVE-2024-0002',
    'CVE-2023-9999',
    'GHSA-abcd-efgh-ijkl',
    'cve-2024-0001',
  ],
  packageName: ['openssl', 'openssh-server', 'libssl3', 'zlib1g', 'Zlib'],
  resourceId: ['host-1', 'host-2', 'sha256:aa', 'sha256:ab'],
  severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED'] as Severity[],
  findingStatus: ['ACTIVE', 'SUPPRESSED', 'CLOSED'] as const,
  findingType: ['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY'] as FindingType[],
  resourceType: ['HOST', 'CONTAINER_IMAGE'] as ResourceType[],
  fixAvailable: ['YES', 'NO', 'PARTIAL'] as FixAvailable[],
  exploitAvailable: ['YES', 'NO'] as const,
  repositoryName: ['registry.example/app', 'registry.example/app-worker', 'docker.io/library/nginx'],
  packageManager: ['DPKG', 'NPM', 'npm', 'PIP'],
};

/** Tag keys and values, with case twins and an empty value: both faces must compare byte for byte. */
export const TAG_POOLS = { key: ['env', 'team', 'Env'], value: ['prod', 'dev', 'Prod', ''] };

export function tagKey(accountId: string, resourceId: string): string {
  return `${accountId}\0${resourceId}`;
}

/** Random tags for every (account, resource) of the pools; some resources get none. */
export function randomTags(r: () => number): Map<string, ResourceTags> {
  const out = new Map<string, ResourceTags>();
  for (const acct of POOLS.accountId) {
    for (const rid of POOLS.resourceId) {
      const tags: Record<string, string> = {};
      for (const key of TAG_POOLS.key) if (r() < 0.5) tags[key] = pick(r, TAG_POOLS.value);
      out.set(tagKey(acct, rid), tags);
    }
  }
  return out;
}

/** The resource_tags rows of such a map. */
export function tagRows(
  tags: ReadonlyMap<string, ResourceTags>,
): Array<{ account_id: string; resource_id: string; key: string; value: string }> {
  return [...tags].flatMap(([k, t]) => {
    const [account_id = '', resource_id = ''] = k.split('\0');
    return Object.entries(t).map(([key, value]) => ({ account_id, resource_id, key, value }));
  });
}

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

const BASE = Date.parse('2026-01-01T00:00:00.000Z');
function date(r: () => number): string {
  return new Date(BASE + Math.floor(r() * 30 * 86_400_000)).toISOString();
}

export function randomFinding(r: () => number, i: number): Finding {
  const type = pick(r, POOLS.findingType);
  const first = date(r);
  const f: Finding = {
    id: `f-${i}`,
    accountId: pick(r, POOLS.accountId),
    type,
    title: 't',
    description: 'd',
    status: pick(r, POOLS.findingStatus),
    severity: pick(r, POOLS.severity),
    firstObservedAt: first,
    lastObservedAt: date(r),
    updatedAt: date(r),
    exploitAvailable: pick(r, POOLS.exploitAvailable),
    fixAvailable: pick(r, POOLS.fixAvailable),
    remediation: { recommendation: { text: '' } },
    resources: [{ id: pick(r, POOLS.resourceId), type: pick(r, POOLS.resourceType), details: {} }],
  };
  const resource = f.resources[0];
  if (resource?.type === 'CONTAINER_IMAGE' && r() < 0.8)
    resource.details['repositoryName'] = pick(r, POOLS.repositoryName);
  if (r() < 0.8) f.score = Math.round(r() * 100) / 10;
  if (r() < 0.6) f.epss = { score: Math.round(r() * 1000) / 1000, percentile: 0.5 };
  if (type === 'PACKAGE_VULNERABILITY') {
    f.packageVulnerabilityDetails = {
      vulnerabilityId: pick(r, POOLS.vulnerabilityId),
      source: 'osv',
      cvss: [],
      relatedVulnerabilities: [],
      referenceUrls: [],
      vulnerablePackages: [
        {
          name: pick(r, POOLS.packageName),
          version: '1',
          filePath: '/x',
          purl: 'pkg:x',
          packageManager: pick(r, POOLS.packageManager),
          fixedInVersion: 'NotAvailable',
          remediation: '',
        },
      ],
      matches: [],
      cwes: [],
    };
  }
  if (type === 'NETWORK_REACHABILITY') f.networkReachabilityDetails = networkDetails(i);
  return f;
}

/** Drawn from the index, not the generator: the other users of randomFinding keep their sequences. */
function networkDetails(i: number): NonNullable<Finding['networkReachabilityDetails']> {
  const begin = [22, 80, 443, 1024, 3306, 8000][i % 6] as number;
  const end = i % 4 === 0 ? begin + (i % 50) : begin;
  return {
    protocol: i % 3 === 0 ? 'UDP' : 'TCP',
    openPortRange: { begin, end },
    networkPath: { steps: [{ componentId: 'eth0', componentType: 'HOST_INTERFACE' }] },
  };
}

function portRangeFilter(r: () => number): PortRangeFilter {
  const a = Math.floor(r() * 9000);
  const b = a + Math.floor(r() * 500);
  const roll = r();
  if (roll < 0.2) return { beginInclusive: a };
  if (roll < 0.4) return { endInclusive: b };
  return { beginInclusive: a, endInclusive: roll < 0.6 ? a : b };
}

/** The network fields of FilterCriteria (networkProtocol, portRange), drawn apart from randomCriteria. */
export function randomNetworkCriteria(r: () => number): FilterCriteria {
  const c: FilterCriteria = {};
  if (r() < 0.35) c.networkProtocol = some(r, () => stringFilter(r, ['TCP', 'UDP', 'tcp']));
  if (r() < 0.35) c.portRange = some(r, () => portRangeFilter(r));
  return c;
}

function stringFilter(r: () => number, pool: readonly string[]): StringFilter {
  const v = pick(r, pool);
  const roll = r();
  if (roll < 0.4) return { comparison: 'EQUALS', value: v };
  if (roll < 0.7) return { comparison: 'NOT_EQUALS', value: v };
  return { comparison: 'PREFIX', value: v.slice(0, 1 + Math.floor(r() * v.length)) };
}

function numberFilter(r: () => number, max: number): NumberFilter {
  const a = Math.round(r() * max * 100) / 100;
  const b = Math.round(r() * max * 100) / 100;
  const roll = r();
  if (roll < 0.2) return { lowerInclusive: a };
  if (roll < 0.4) return { upperInclusive: a };
  return { lowerInclusive: Math.min(a, b), upperInclusive: Math.max(a, b) };
}

/** Dates in other spellings (an offset, no milliseconds) must compare as the instant they name. */
function dateFilter(r: () => number): DateFilter {
  const [a, b] = [date(r), date(r)].sort();
  const offset = (iso: string): string =>
    new Date(Date.parse(iso) + 7_200_000).toISOString().replace('Z', '+02:00');
  return r() < 0.5
    ? { startInclusive: offset(a as string) }
    : { startInclusive: a as string, endInclusive: b as string };
}

function mapFilter(r: () => number): MapFilter {
  const key = pick(r, TAG_POOLS.key);
  return r() < 0.3
    ? { comparison: 'EQUALS', key }
    : { comparison: 'EQUALS', key, value: pick(r, TAG_POOLS.value) };
}

function some<T>(r: () => number, make: () => T): T[] {
  return Array.from({ length: 1 + Math.floor(r() * 3) }, make);
}

export function randomCriteria(r: () => number): FilterCriteria {
  const c: FilterCriteria = {};
  const stringFields = Object.keys(POOLS) as Array<keyof typeof POOLS>;
  for (const field of stringFields) {
    if (r() < 0.25) c[field] = some(r, () => stringFilter(r, POOLS[field]));
  }
  if (r() < 0.25) c.inspectorScore = some(r, () => numberFilter(r, 10));
  if (r() < 0.2) c.epssScore = some(r, () => numberFilter(r, 1));
  if (r() < 0.2) c.firstObservedAt = some(r, () => dateFilter(r));
  if (r() < 0.2) c.lastObservedAt = some(r, () => dateFilter(r));
  if (r() < 0.1) c.updatedAt = [dateFilter(r)];
  if (r() < 0.25) c.resourceTags = some(r, () => mapFilter(r));
  return c;
}
