import type { InternetExposure } from '../risk/contextual-score.js';
import type { Severity } from '../risk/severity-band.js';
import type { CloudPathResult } from './cloud/aws-path-analysis.js';
import { isLoopbackSocket } from './host/arrival.js';
import type { HostAnalysis, HostPathResult } from './host/host-path-analysis.js';
import type { ListeningSocket, NetworkFacts } from './network-facts.js';
import {
  draft,
  NO_LISTENER_SEVERITY,
  portText,
  processText,
  serviceText,
  UNRECOGNIZED_SEVERITY,
  type NetworkFindingCategory,
  type NetworkFindingDraft,
} from './finding-draft.js';
import type { PathStep } from './path-step.js';
import { recognizedPort, recognizedPortsIn } from './recognized-ports.js';

export type {
  NetworkFindingCategory,
  NetworkFindingDraft,
  NetworkReachabilityDetails,
} from './finding-draft.js';

/**
 * NETWORK_REACHABILITY finding drafts, one per (resource, port range, protocol, path), in the shape of
 * src/findings' Finding (lifecycle fields are added by whoever stores them). Categories follow
 * Inspector Classic's network reachability types; severities come from the recognized-port table.
 */

/** Host findings: each listening port the internet reaches through the host firewall. */
export function hostReachabilityFindings(resourceId: string, analysis: HostAnalysis): NetworkFindingDraft[] {
  return analysis.results
    .filter((r) => r.sourceKind === 'INTERNET' && r.verdict === 'REACHABLE')
    .map((r) => hostFinding(resourceId, r));
}

function hostFinding(resourceId: string, r: HostPathResult): NetworkFindingDraft {
  const rec = recognizedPort(r.protocol, r.port);
  const rules = r.steps.filter((s) => s.componentType === 'HOST_FIREWALL_RULE');
  const deciding = rules.at(-1)?.rule;
  const proc = processText(r.steps.find((s) => s.componentType === 'LISTENING_PROCESS'));
  const iface = r.steps.find((s) => s.componentType === 'HOST_INTERFACE');
  const where = deciding ? `${deciding.source} ${deciding.family} ${deciding.table}/${deciding.chain}` : '';
  const remediation = !deciding
    ? `No firewall rule is on the input path: add one that drops ${r.protocol} port ${r.port} from the internet, or stop the listener ${proc}.`
    : deciding.policy
      ? `Add a rule to ${where} that drops ${r.protocol} port ${r.port} from the internet, or set that chain's policy to drop.`
      : `Change the rule \`${deciding.text}\` (${where}${deciding.handle === undefined ? '' : ` handle ${deciding.handle}`}) to remove access from the internet on port ${r.port}.`;
  return draft(
    resourceId,
    rec ? 'RECOGNIZED_PORT_WITH_LISTENER' : 'UNRECOGNIZED_PORT_WITH_LISTENER',
    {
      openPortRange: { begin: r.port, end: r.port },
      protocol: r.protocol,
      networkPath: { steps: r.steps },
    },
    {
      title: `Port ${r.port} is reachable from the internet through the host firewall - ${r.protocol}`,
      description:
        `On this host, ${r.protocol} port ${r.port}${serviceText(rec)} is reachable from the internet (for example from ${r.source ?? 'a public address'}) ` +
        `through interface ${iface?.componentId ?? '?'} (${iface?.address ?? '?'}) and the host firewall, with ${proc} listening. ${r.reason}.`,
      severity: rec ? rec.severity : UNRECOGNIZED_SEVERITY,
      remediation,
    },
  );
}

/** Whether a socket of the host would take a connection to `address` on this port. */
function listenerOn(
  facts: NetworkFacts,
  protocol: 'TCP' | 'UDP',
  port: number,
  privateAddress: string | undefined,
): ListeningSocket | undefined {
  const wildcard = new Set(['0.0.0.0', '::']);
  return facts.sockets.find(
    (s) =>
      s.protocol === protocol &&
      s.port === port &&
      !isLoopbackSocket(s) &&
      (wildcard.has(s.address) || s.address === privateAddress || s.address === `::ffff:${privateAddress}`),
  );
}

/**
 * Cloud findings: for each reachable range and each security group that opens it, a NETWORK_EXPOSURE
 * finding for the range, and one finding per recognized port in it (with or without a listener, or
 * no agent when the instance sent no facts) and per unrecognized port with a listener.
 */
export function cloudReachabilityFindings(
  results: readonly CloudPathResult[],
  factsByInstance: ReadonlyMap<string, NetworkFacts>,
  privateAddressOf: (networkInterfaceId: string) => string | undefined = () => undefined,
): NetworkFindingDraft[] {
  const out: NetworkFindingDraft[] = [];
  for (const r of results) {
    if (r.verdict !== 'REACHABLE') continue;
    for (const sg of r.securityGroupIds)
      out.push(
        ...cloudFindingsFor(r, sg, factsByInstance.get(r.instanceId), privateAddressOf(r.networkInterfaceId)),
      );
  }
  return out;
}

function cloudFindingsFor(
  r: CloudPathResult,
  sg: string,
  facts: NetworkFacts | undefined,
  privateAddress: string | undefined,
): NetworkFindingDraft[] {
  const steps: PathStep[] = [
    { componentId: r.internetGatewayId ?? '?', componentType: 'AWS::EC2::InternetGateway' },
    { componentId: r.networkAclId ?? '?', componentType: 'AWS::EC2::NetworkAcl' },
    { componentId: sg, componentType: 'AWS::EC2::SecurityGroup' },
    { componentId: r.networkInterfaceId, componentType: 'AWS::EC2::NetworkInterface' },
    { componentId: r.instanceId, componentType: 'AWS::EC2::Instance' },
  ];
  const { begin, end } = r.portRange;
  const where = `The instance ${r.instanceId} has the interface ${r.networkInterfaceId} (${r.destination ?? '?'}) in network ACL ${r.networkAclId}; the port is reachable from the internet through security group ${sg} and internet gateway ${r.internetGatewayId}.`;
  const fix = (p: string): string =>
    `You can edit the security group ${sg} to remove access from the internet on ${p}.`;
  const one = (
    category: NetworkFindingCategory,
    port: number,
    severity: Severity,
    text: string,
  ): NetworkFindingDraft =>
    draft(
      r.instanceId,
      category,
      { openPortRange: { begin: port, end: port }, protocol: r.protocol, networkPath: { steps } },
      {
        title: `Port ${port} is reachable from an Internet Gateway - ${r.protocol}`,
        description: `On this instance, ${r.protocol} port ${port}${serviceText(recognizedPort(r.protocol, port))} is reachable from the internet ${text}. ${where}`,
        severity,
        remediation: fix(`port ${port}`),
        ...(r.destination ? { via: r.destination } : {}),
      },
    );
  const out: NetworkFindingDraft[] = [
    draft(
      r.instanceId,
      'NETWORK_EXPOSURE',
      { openPortRange: { begin, end }, protocol: r.protocol, networkPath: { steps } },
      {
        title: `${portText(begin, end)} is reachable from an Internet Gateway - ${r.protocol}`,
        description: `On this instance, ${r.protocol} ${begin === end ? `port ${begin}` : `ports ${begin}-${end}`} can be reached from the internet. ${where}`,
        severity: 'INFORMATIONAL',
        remediation: fix(begin === end ? `port ${begin}` : `ports ${begin}-${end}`),
        ...(r.destination ? { via: r.destination } : {}),
      },
    ),
  ];
  for (const rec of recognizedPortsIn(r.protocol, begin, end)) {
    if (!facts)
      out.push(
        one(
          'RECOGNIZED_PORT_NO_AGENT',
          rec.port,
          rec.severity,
          '(no agent facts tell whether a process listens on it)',
        ),
      );
    else {
      const l = listenerOn(facts, r.protocol, rec.port, privateAddress);
      if (l)
        out.push(
          one(
            'RECOGNIZED_PORT_WITH_LISTENER',
            rec.port,
            rec.severity,
            `with ${processText({ componentId: '', componentType: 'LISTENING_PROCESS', ...(l.owners[0] ? { process: l.owners[0] } : {}) })} listening`,
          ),
        );
      else
        out.push(
          one('RECOGNIZED_PORT_NO_LISTENER', rec.port, NO_LISTENER_SEVERITY, 'with no process listening'),
        );
    }
  }
  const listeners = facts
    ? facts.sockets.filter(
        (s) =>
          s.protocol === r.protocol &&
          s.port >= begin &&
          s.port <= end &&
          !recognizedPort(r.protocol, s.port),
      )
    : [];
  for (const port of new Set(listeners.map((s) => s.port))) {
    const l = listenerOn(facts as NetworkFacts, r.protocol, port, privateAddress);
    if (l)
      out.push(
        one(
          'UNRECOGNIZED_PORT_WITH_LISTENER',
          port,
          UNRECOGNIZED_SEVERITY,
          `with ${processText({ componentId: '', componentType: 'LISTENING_PROCESS', ...(l.owners[0] ? { process: l.owners[0] } : {}) })} listening`,
        ),
      );
  }
  return out;
}

/**
 * Does any path lead from the internet to any port of this resource? Host analysis alone, cloud paths
 * alone, or both (a cloud path only counts if the host firewall also lets it in, and either saying
 * "none" is enough). What the contextual score reads.
 */
export function internetExposure(input: {
  host?: HostAnalysis;
  cloud?: readonly CloudPathResult[];
}): InternetExposure {
  const { host, cloud } = input;
  if (!host && !cloud)
    return { analysed: false, reason: 'no network reachability analysis exists for this resource' };
  const hostSays = host
    ? verdictOf(host.results.filter((r) => r.sourceKind === 'INTERNET').map((r) => r.verdict))
    : undefined;
  const cloudSays = cloud ? verdictOf(cloud.map((r) => r.verdict)) : undefined;
  if (cloudSays === false)
    return {
      analysed: true,
      path: false,
      reason: 'no open network path from an internet gateway to any port',
    };
  if (hostSays === false)
    return {
      analysed: true,
      path: false,
      reason: 'the host firewall and listening sockets admit no connection from the internet',
    };
  if (hostSays === 'unknown' || cloudSays === 'unknown')
    return { analysed: true, path: 'unknown', reason: 'some paths from the internet could not be evaluated' };
  return { analysed: true, path: true, reason: 'a network path from the internet reaches an open port' };
}

function verdictOf(verdicts: readonly string[]): boolean | 'unknown' {
  if (verdicts.includes('REACHABLE')) return true;
  return verdicts.includes('UNKNOWN') ? 'unknown' : false;
}
