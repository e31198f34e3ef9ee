import { appendAll } from '../../../core/append-all.js';
import type { Finding } from '../../../findings/finding-types.js';
import type { Severity } from '../../../risk/severity-band.js';
import { sortFindings, type FindingsFormat } from './findings-report.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF levels: error for HIGH and up, warning for MEDIUM, note below. */
function level(s: Severity): 'error' | 'warning' | 'note' {
  if (s === 'CRITICAL' || s === 'HIGH') return 'error';
  if (s === 'MEDIUM') return 'warning';
  return 'note';
}

function ruleOf(f: Finding): Record<string, unknown> {
  const d = f.packageVulnerabilityDetails;
  const id = d?.vulnerabilityId ?? f.title;
  const rule: Record<string, unknown> = {
    id,
    name: id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: id },
    fullDescription: { text: f.description || id },
    helpUri: d?.sourceUrl ?? `https://osv.dev/vulnerability/${id}`,
    help: { text: f.remediation.recommendation.text },
    defaultConfiguration: { level: level(f.severity) },
    properties: {
      tags: ['security', 'vulnerability', f.severity],
      precision: 'very-high',
      // GitHub code scanning reads this to rank alerts.
      ...(f.score !== undefined ? { 'security-severity': f.score.toFixed(1) } : {}),
    },
  };
  return rule;
}

function resultsOf(f: Finding, ruleIndex: number): Record<string, unknown>[] {
  const d = f.packageVulnerabilityDetails;
  return (d?.vulnerablePackages ?? []).map((p) => ({
    ruleId: d?.vulnerabilityId ?? f.title,
    ruleIndex,
    level: level(f.severity),
    message: {
      text: `${p.name} ${p.version} is affected by ${d?.vulnerabilityId ?? f.title} (${f.severity}); fixed in: ${p.fixedInVersion}`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: p.filePath.replace(/^\//, '') } },
        logicalLocations: [{ name: p.purl, kind: 'package' }],
      },
    ],
    partialFingerprints: { vigilFinding: `${f.id}/${p.purl}` },
    // SARIF's own way to say "reported, but someone ruled it out" (a VEX statement, `--vex`).
    ...(f.suppression
      ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.suppression.reason }] }
      : {}),
    properties: {
      severity: f.severity,
      fixAvailable: f.fixAvailable,
      exploitAvailable: f.exploitAvailable,
      purl: p.purl,
    },
  }));
}

/** SARIF 2.1.0: one rule per vulnerability id, one result per vulnerable package, located at its file. */
export const sarifFormat: FindingsFormat = {
  name: 'sarif',
  mediaType: 'application/sarif+json',
  render(report) {
    const rules: Record<string, unknown>[] = [];
    const index = new Map<string, number>();
    const results: Record<string, unknown>[] = [];
    for (const f of sortFindings(report.findings)) {
      const id = f.packageVulnerabilityDetails?.vulnerabilityId ?? f.title;
      let i = index.get(id);
      if (i === undefined) {
        i = rules.length;
        index.set(id, i);
        rules.push(ruleOf(f));
      }
      appendAll(results, resultsOf(f, i));
    }
    const doc = {
      $schema: SARIF_SCHEMA,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'vigil',
              version: report.tool.version,
              rules,
            },
          },
          results,
          properties: { target: report.target, targetType: report.targetType },
        },
      ],
    };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};
