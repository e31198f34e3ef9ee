import { createHash } from 'node:crypto';
import type { Finding, FindingSuppression, VulnerablePackage } from '../../../findings/finding-types.js';
import { scoreVector } from '../../../risk/cvss-scorer.js';
import {
  severityFromScore as severityFromScoreBand,
  severityFromVendor,
} from '../../../risk/severity-band.js';
import type { CvssEntry } from '../../../vulndb/vuln-types.js';
import { sortFindings, type FindingsFormat, type FindingsReport } from './findings-report.js';

const METHOD: Readonly<Record<CvssEntry['version'], string>> = {
  '2.0': 'CVSSv2',
  '3.0': 'CVSSv3',
  '3.1': 'CVSSv31',
  '4.0': 'CVSSv4',
};

function cdxSeverity(s: Finding['severity']): string {
  return s === 'UNTRIAGED' ? 'unknown' : s === 'INFORMATIONAL' ? 'info' : s.toLowerCase();
}

function ratings(f: Finding): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const c of f.packageVulnerabilityDetails?.cvss ?? []) {
    const s = scoreVector(c.vector);
    if (!s) continue;
    out.push({
      source: { name: c.source },
      score: s.baseScore,
      severity: cdxSeverity(severityFromScoreBand(s.baseScore)),
      method: METHOD[s.version],
      vector: s.vector,
    });
  }
  const vendor = f.packageVulnerabilityDetails?.vendorSeverity;
  const band = severityFromVendor(vendor);
  if (vendor && band) {
    out.push({
      source: { name: f.packageVulnerabilityDetails?.source ?? 'vendor' },
      severity: cdxSeverity(band),
      method: 'other',
    });
  }
  return out;
}

function components(findings: readonly Finding[]): {
  refs: Map<string, string>;
  list: Record<string, unknown>[];
} {
  const refs = new Map<string, string>();
  const list: Record<string, unknown>[] = [];
  for (const f of findings) {
    for (const p of f.packageVulnerabilityDetails?.vulnerablePackages ?? []) {
      const key = `${p.purl}\0${p.filePath}`;
      if (refs.has(key)) continue;
      const ref = `pkg-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
      refs.set(key, ref);
      list.push(component(p, ref));
    }
  }
  return { refs, list };
}

function component(p: VulnerablePackage, ref: string): Record<string, unknown> {
  return {
    type: 'library',
    'bom-ref': ref,
    name: p.name,
    version: p.version,
    purl: p.purl,
    properties: [
      { name: 'vigil:filePath', value: p.filePath },
      ...(p.sourceName ? [{ name: 'vigil:sourceName', value: p.sourceName }] : []),
    ],
  };
}

/** CycloneDX's justifications; an OpenVEX one has no exact equal, so it stays in `detail` only. */
const CDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);

/** A VEX-suppressed finding (`--vex`) keeps the statement as CycloneDX's own `analysis`. */
function analysisOf(s: FindingSuppression): Record<string, unknown> {
  const j = s.source.justification;
  return {
    state: s.source.status === 'fixed' ? 'resolved' : 'not_affected',
    ...(j && CDX_JUSTIFICATIONS.has(j) ? { justification: j } : {}),
    detail: s.reason,
  };
}

function vulnerability(f: Finding, refs: ReadonlyMap<string, string>): Record<string, unknown> {
  const d = f.packageVulnerabilityDetails;
  const cwes = (d?.cwes ?? []).map((c) => Number(c.replace(/^CWE-/, ''))).filter((n) => Number.isInteger(n));
  return {
    'bom-ref': `vuln-${f.id}`,
    id: d?.vulnerabilityId ?? f.title,
    source: { name: d?.source ?? 'unknown', ...(d?.sourceUrl ? { url: d.sourceUrl } : {}) },
    references: (d?.relatedVulnerabilities ?? []).map((id) => ({
      id,
      source: { name: id.split('-')[0] ?? 'other' },
    })),
    ratings: ratings(f),
    ...(cwes.length ? { cwes } : {}),
    description: f.description,
    recommendation: f.remediation.recommendation.text,
    advisories: (d?.referenceUrls ?? []).slice(0, 20).map((url) => ({ url })),
    ...(f.suppression ? { analysis: analysisOf(f.suppression) } : {}),
    affects: (d?.vulnerablePackages ?? []).map((p) => ({
      ref: refs.get(`${p.purl}\0${p.filePath}`) ?? p.purl,
      versions: [
        {
          version: p.version,
          status: f.suppression?.source.status === 'not_affected' ? 'unaffected' : 'affected',
        },
      ],
    })),
    properties: [
      { name: 'vigil:severity', value: f.severity },
      { name: 'vigil:fixAvailable', value: f.fixAvailable },
      { name: 'vigil:exploitAvailable', value: f.exploitAvailable },
      ...(f.epss ? [{ name: 'vigil:epss', value: String(f.epss.score) }] : []),
      ...(d?.vulnerablePackages ?? []).map((p) => ({
        name: 'vigil:fixedInVersion',
        value: `${p.name}@${p.fixedInVersion}`,
      })),
    ],
  };
}

/** CycloneDX 1.5 JSON: the vulnerable components and a `vulnerabilities` entry per finding. */
export const cyclonedxFormat: FindingsFormat = {
  name: 'cyclonedx',
  mediaType: 'application/vnd.cyclonedx+json',
  render(report: FindingsReport) {
    const findings = sortFindings(report.findings);
    const { refs, list } = components(findings);
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      serialNumber: `urn:uuid:${uuidFrom(report)}`,
      version: 1,
      metadata: {
        timestamp: report.createdAt,
        tools: { components: [{ type: 'application', name: 'vigil', version: report.tool.version }] },
        component: {
          type: report.targetType === 'image' ? 'container' : 'operating-system',
          'bom-ref': 'target',
          name: report.target,
        },
      },
      components: list,
      vulnerabilities: findings.map((f) => vulnerability(f, refs)),
    };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};

/** Deterministic per report (target + time), shaped as a version-4 UUID as the schema's pattern wants. */
function uuidFrom(report: FindingsReport): string {
  const h = createHash('sha256').update(`${report.target}\0${report.createdAt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
