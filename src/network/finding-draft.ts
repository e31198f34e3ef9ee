import type { Severity } from '../risk/severity-band.js';
import type { PathStep } from './path-step.js';
import type { RecognizedPort } from './recognized-ports.js';

/**
 * The shape of a NETWORK_REACHABILITY finding draft (src/findings' Finding without the lifecycle
 * fields) and how one is built: a stable fingerprint, Inspector's wording.
 */

export type NetworkFindingCategory =
  | 'RECOGNIZED_PORT_WITH_LISTENER'
  | 'RECOGNIZED_PORT_NO_LISTENER'
  | 'RECOGNIZED_PORT_NO_AGENT'
  | 'UNRECOGNIZED_PORT_WITH_LISTENER'
  | 'NETWORK_EXPOSURE';

export interface NetworkReachabilityDetails {
  openPortRange: { begin: number; end: number };
  protocol: 'TCP' | 'UDP';
  networkPath: { steps: PathStep[] };
  /** Set on stored findings: which of Inspector Classic's kinds of reachability this is. */
  category?: NetworkFindingCategory;
}

export interface NetworkFindingDraft {
  type: 'NETWORK_REACHABILITY';
  /** Stable identity: resource, range, protocol and the components of the path. */
  fingerprint: string;
  category: NetworkFindingCategory;
  title: string;
  description: string;
  severity: Severity;
  exploitAvailable: 'NO';
  fixAvailable: 'YES';
  remediation: { recommendation: { text: string } };
  resources: { id: string; type: 'HOST'; details: Record<string, unknown> }[];
  networkReachabilityDetails: NetworkReachabilityDetails;
}

export const NO_LISTENER_SEVERITY: Severity = 'LOW';
export const UNRECOGNIZED_SEVERITY: Severity = 'MEDIUM';

export function portText(begin: number, end: number): string {
  return begin === end ? `Port ${begin}` : `Port range ${begin}-${end}`;
}

export function draft(
  resourceId: string,
  category: NetworkFindingCategory,
  d: NetworkReachabilityDetails,
  text: Pick<NetworkFindingDraft, 'title' | 'description' | 'severity'> & {
    remediation: string;
    via?: string;
  },
): NetworkFindingDraft {
  // The address the path ends at tells apart an IPv4 and an IPv6 path through the same components.
  const path = [...d.networkPath.steps.map(stableKey), ...(text.via ? [text.via] : [])].join('>');
  return {
    type: 'NETWORK_REACHABILITY',
    fingerprint: `${resourceId}|${d.protocol}|${d.openPortRange.begin}-${d.openPortRange.end}|${category}|${path}`,
    category,
    title: text.title,
    description: text.description,
    severity: text.severity,
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    remediation: { recommendation: { text: text.remediation } },
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
    networkReachabilityDetails: d,
  };
}

export function serviceText(rec: RecognizedPort | undefined): string {
  return rec ? `, which is associated with ${rec.service},` : '';
}

export function processText(s: PathStep | undefined): string {
  const p = s?.process;
  return p
    ? `${p.comm} (pid ${p.pid}${p.exe ? `, ${p.exe}` : ''}${p.unit ? `, unit ${p.unit}` : ''})`
    : 'a process';
}

/**
 * What identifies a step across check-ins: not a pid (a restart changes it) nor an nft handle (a
 * reload renumbers rules), but the process's unit or executable and the rule's place and text.
 */
function stableKey(s: PathStep): string {
  if (s.rule)
    return `${s.rule.source}:${s.rule.family} ${s.rule.table}/${s.rule.chain}:${s.rule.policy ? `policy ${s.rule.policy}` : s.rule.text}`;
  if (s.process) return s.process.unit ?? s.process.exe ?? s.process.comm;
  return s.address ? `${s.componentId}@${s.address}` : s.componentId;
}
