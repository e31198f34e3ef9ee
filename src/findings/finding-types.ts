import type { MatchReason } from '../match/match-types.js';
import type { NetworkReachabilityDetails } from '../network/finding-draft.js';
import type { ScoreDetails } from '../risk/score-selector.js';
import type { Severity } from '../risk/severity-band.js';
import type { CvssEntry } from '../vulndb/vuln-types.js';

export type FindingType = 'PACKAGE_VULNERABILITY' | 'NETWORK_REACHABILITY' | 'CONFIGURATION';
export type FindingStatus = 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
export type FixAvailable = 'YES' | 'NO' | 'PARTIAL';
export type ResourceType = 'HOST' | 'CONTAINER_IMAGE' | 'CONTAINER_REPOSITORY';

export interface FindingResource {
  id: string;
  type: ResourceType;
  details: Record<string, unknown>;
  /** The resource's tags when the finding was last written (resourceTags filters read resource_tags). */
  tags?: Record<string, string>;
}

export interface VulnerablePackage {
  name: string;
  version: string;
  epoch?: number;
  release?: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  /** Where the package was found: the dpkg status file, a lockfile, a jar. */
  filePath: string;
  layerDigest?: string;
  purl: string;
  packageManager: string;
  /** The version that fixes it, or `NotAvailable` (Inspector's word) when the data knows none. */
  fixedInVersion: string;
  remediation: string;
}

export interface EpssScore {
  score: number;
  percentile: number;
}

export interface PackageVulnerabilityDetails {
  vulnerabilityId: string;
  /** The feed of the deciding record (osv-debian, ghsa, pypa, …). */
  source: string;
  sourceUrl?: string;
  vendorSeverity?: string;
  vendorCreatedAt?: string;
  vendorUpdatedAt?: string;
  cvss: CvssEntry[];
  relatedVulnerabilities: string[];
  referenceUrls: string[];
  vulnerablePackages: VulnerablePackage[];
  /** Why each package matched (record, range or fixed version, comparator): DESIGN §4. */
  matches: MatchReason[];
  cwes: string[];
  /** CONTAINER_IMAGE findings whose package came from a base image vigil knows (its layers a prefix). */
  baseImage?: BaseImageRef;
}

/** The image another image was built on: its repository, tags and manifest digest. */
export interface BaseImageRef {
  repositoryName: string | null;
  imageTags: string[];
  imageHash: string;
}

/** A finding as DESIGN §3 shapes it (Amazon Inspector v2's, so its users feel at home). */
export interface Finding {
  id: string;
  accountId: string;
  type: FindingType;
  title: string;
  description: string;
  status: FindingStatus;
  severity: Severity;
  /** The base score (plus adjustments, later issues); absent when no CVSS exists. */
  score?: number;
  scoreDetails?: ScoreDetails;
  firstObservedAt: string;
  lastObservedAt: string;
  updatedAt: string;
  closedAt?: string;
  exploitAvailable: 'YES' | 'NO';
  /** Set when exploitAvailable comes from CISA KEV. */
  exploitabilityDetails?: { lastKnownExploitAt?: string; kevDateAdded: string; kevDueDate?: string };
  fixAvailable: FixAvailable;
  epss?: EpssScore;
  remediation: { recommendation: { text: string } };
  resources: FindingResource[];
  packageVulnerabilityDetails?: PackageVulnerabilityDetails;
  /** NETWORK_REACHABILITY findings: the open port range, protocol and the path (src/network). */
  networkReachabilityDetails?: NetworkReachabilityDetails;
  /** CONFIGURATION findings of Classic assessment runs: the rule, its package and the run. */
  configurationDetails?: ConfigurationDetails;
  suppressedBy?: string;
  /** Why it is SUPPRESSED, when the suppressor says more than an id: a VEX statement (findings/vex). */
  suppression?: FindingSuppression;
}

/** What a Classic assessment run says about a failed rule (Inspector Classic's finding fields). */
export interface ConfigurationDetails {
  rulesPackage: 'CIS' | 'SECURITY_BEST_PRACTICES';
  checkId: string;
  /** Inspector Classic's severity word (High, Medium, Low, Informational). */
  classicSeverity: 'High' | 'Medium' | 'Low' | 'Informational';
  statusReason: string;
  cisSection?: string;
  assessmentRunId: string;
  assessmentTemplateId: string;
  /** The template's user attributes, copied into every finding it reports. */
  userAttributes: Array<{ key: string; value: string }>;
}

/** A VEX statement that suppresses a finding: the reason in words and where it was said. */
export interface FindingSuppression {
  /** The statement's status, justification and impact statement, in one line. */
  reason: string;
  source: {
    type: 'VEX';
    /** The stored document's id (the server), or the file given to `--vex` (the CLI). */
    documentId: string;
    format: 'openvex' | 'cyclonedx';
    /** The document's own id (OpenVEX `@id`, CycloneDX `serialNumber`), author and time. */
    vexId?: string;
    author?: string;
    timestamp?: string;
    /** Index into `statements` (OpenVEX) or `vulnerabilities` (CycloneDX). */
    statementIndex: number;
    status: 'not_affected' | 'fixed';
    justification?: string;
    impactStatement?: string;
    /** The statement's vulnerability id that matched, and how the statement named the product. */
    vulnerabilityId: string;
    product: string;
  };
}
