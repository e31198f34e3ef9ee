import type { Finding, FindingResource, VulnerablePackage } from '../../findings/finding-types.js';
import { ARN_PARTITION, awsResourceType, findingArn } from './inspector2-arns.js';

/** Timestamps travel as epoch seconds (the rest-json default), fractions kept. */
export const epochSeconds = (iso: string): number => Date.parse(iso) / 1000;

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;

/** vigil's package manager (its ecosystem, upper case) → Inspector's word for it. */
const PACKAGE_MANAGERS: Readonly<Record<string, string>> = {
  DEB: 'OS',
  RPM: 'OS',
  APK: 'OS',
  NPM: 'NPM',
  PYPI: 'PIP',
  GEM: 'GEMSPEC',
  MAVEN: 'JAR',
  GOLANG: 'GOMOD',
  CARGO: 'CARGO',
  NUGET: 'NUGET',
  COMPOSER: 'COMPOSER',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** DEBIAN_12-style platform of a host's details.os {family, version}. */
function platformOf(details: Record<string, unknown>): string | undefined {
  const os = details['os'] as { family?: unknown; version?: unknown } | null | undefined;
  const family = str(os?.family);
  if (!family) return undefined;
  const version = str(os?.version);
  return `${family}${version ? `_${version}` : ''}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function resourceDetails(r: FindingResource): Record<string, unknown> | undefined {
  const d = r.details;
  if (r.type === 'HOST') {
    const ips = Array.isArray(d['ipAddresses'])
      ? (d['ipAddresses'] as unknown[]).filter((a) => typeof a === 'string')
      : [];
    return {
      awsEc2Instance: defined({
        platform: platformOf(d),
        ipV4Addresses: ips.length ? ips.filter((a) => !String(a).includes(':')) : undefined,
        ipV6Addresses: ips.some((a) => String(a).includes(':'))
          ? ips.filter((a) => String(a).includes(':'))
          : undefined,
      }),
    };
  }
  if (r.type === 'CONTAINER_IMAGE')
    return {
      awsEcrContainerImage: defined({
        repositoryName: str(d['repositoryName']),
        imageTags: Array.isArray(d['imageTags']) ? d['imageTags'] : undefined,
        imageHash: str(d['imageHash']) ?? r.id,
        registry: str(d['registry']),
        platform: str(d['platform']),
        pushedAt: str(d['pushedAt']) ? epochSeconds(d['pushedAt'] as string) : undefined,
      }),
    };
  return undefined;
}

function resourceShape(r: FindingResource, region: string): Record<string, unknown> {
  return defined({
    type: awsResourceType(r.type),
    id: r.id,
    partition: ARN_PARTITION,
    region,
    tags: r.tags ?? {},
    details: resourceDetails(r),
  });
}

function packageShape(p: VulnerablePackage): Record<string, unknown> {
  return defined({
    name: p.name,
    version: p.version,
    epoch: p.epoch,
    release: p.release,
    arch: p.arch,
    packageManager: PACKAGE_MANAGERS[p.packageManager] ?? p.packageManager,
    filePath: p.filePath,
    fixedInVersion: p.fixedInVersion,
    remediation: p.remediation,
    sourceLayerHash: p.layerDigest,
  });
}

function packageDetails(f: Finding): Record<string, unknown> | undefined {
  const d = f.packageVulnerabilityDetails;
  if (!d) return undefined;
  return defined({
    vulnerabilityId: d.vulnerabilityId,
    source: d.source,
    sourceUrl: d.sourceUrl,
    vendorSeverity: d.vendorSeverity,
    vendorCreatedAt: d.vendorCreatedAt ? epochSeconds(d.vendorCreatedAt) : undefined,
    vendorUpdatedAt: d.vendorUpdatedAt ? epochSeconds(d.vendorUpdatedAt) : undefined,
    cvss: d.cvss.map((c) => ({
      baseScore: c.baseScore,
      scoringVector: c.vector,
      version: c.version,
      source: c.source,
    })),
    relatedVulnerabilities: d.relatedVulnerabilities,
    referenceUrls: d.referenceUrls,
    vulnerablePackages: d.vulnerablePackages.map(packageShape),
  });
}

/** A vigil finding in Inspector's Finding shape (the ARN carries the request's region). */
export function awsFinding(f: Finding, region: string): Record<string, unknown> {
  const sd = f.scoreDetails;
  const net = f.networkReachabilityDetails;
  return defined({
    findingArn: findingArn(region, f.accountId, f.id),
    awsAccountId: f.accountId,
    type: f.type,
    title: f.title,
    description: f.description,
    remediation: f.remediation,
    severity: f.severity,
    firstObservedAt: epochSeconds(f.firstObservedAt),
    lastObservedAt: epochSeconds(f.lastObservedAt),
    updatedAt: epochSeconds(f.updatedAt),
    status: f.status,
    resources: f.resources.map((r) => resourceShape(r, region)),
    inspectorScore: f.score,
    inspectorScoreDetails:
      sd && f.score !== undefined
        ? {
            adjustedCvss: {
              scoreSource: sd.source,
              cvssSource: sd.source,
              version: sd.cvssVersion,
              score: f.score,
              scoringVector: sd.adjustedVector ?? sd.baseVector,
              adjustments: sd.adjustments,
            },
          }
        : undefined,
    packageVulnerabilityDetails: packageDetails(f),
    networkReachabilityDetails: net
      ? {
          openPortRange: net.openPortRange,
          protocol: net.protocol,
          networkPath: {
            steps: net.networkPath.steps.map((s) => ({
              componentId: s.componentId,
              componentType: s.componentType,
            })),
          },
        }
      : undefined,
    fixAvailable: f.fixAvailable,
    exploitAvailable: f.exploitAvailable,
    exploitabilityDetails: f.exploitabilityDetails?.lastKnownExploitAt
      ? { lastKnownExploitAt: epochSeconds(f.exploitabilityDetails.lastKnownExploitAt) }
      : undefined,
    epss: f.epss ? { score: f.epss.score } : undefined,
  });
}

/** BatchGetFindingDetails' FindingDetail: KEV data, CWEs, references and EPSS of one finding. */
export function awsFindingDetail(f: Finding, region: string): Record<string, unknown> {
  const kev = f.exploitabilityDetails;
  const d = f.packageVulnerabilityDetails;
  return defined({
    findingArn: findingArn(region, f.accountId, f.id),
    cisaData: kev
      ? defined({
          dateAdded: epochSeconds(kev.kevDateAdded),
          dateDue: kev.kevDueDate ? epochSeconds(kev.kevDueDate) : undefined,
        })
      : undefined,
    cwes: d?.cwes,
    referenceUrls: d?.referenceUrls,
    epssScore: f.epss?.score,
    exploitObserved: kev?.lastKnownExploitAt
      ? { lastObserved: epochSeconds(kev.lastKnownExploitAt) }
      : undefined,
  });
}
