import { IntervalSet } from '../address/interval-set.js';
import { parseCidr, type IpFamily } from '../address/ip-address.js';
import type { AwsNaclEntry, AwsNetworkAcl } from './aws-describe-schemas.js';

/**
 * A network ACL is stateless and ordered: entries are tried by ascending rule number, the first whose
 * CIDR, protocol and port range match decides, and what no entry matches is denied (the `*` rule).
 * Evaluated for a set of remote addresses at once: each entry takes the part of the set it matches.
 */

export type L4 = 'TCP' | 'UDP';

const PROTO: Readonly<Record<L4, string>> = { TCP: '6', UDP: '17' };

export interface NaclQuery {
  egress: boolean;
  family: IpFamily;
  protocol: L4;
  /** The destination port of the packet (the instance's port inbound, the client's port outbound). */
  port: number;
}

export interface NaclDecision {
  allowed: IntervalSet;
  /** The entries that allowed some of the set, by rule number. */
  allowedBy: number[];
}

export function entryProtocolMatches(e: AwsNaclEntry, protocol: L4): boolean {
  return (
    e.Protocol === '-1' ||
    e.Protocol === PROTO[protocol] ||
    e.Protocol.toLowerCase() === protocol.toLowerCase()
  );
}

function entryMatches(e: AwsNaclEntry, q: NaclQuery): IntervalSet | undefined {
  if (e.Egress !== q.egress || !entryProtocolMatches(e, q.protocol)) return undefined;
  const cidr = q.family === 4 ? e.CidrBlock : e.Ipv6CidrBlock;
  const parsed = cidr === undefined ? undefined : parseCidr(cidr);
  if (!parsed || parsed.family !== q.family) return undefined;
  if (e.Protocol !== '-1' && e.PortRange && (q.port < e.PortRange.From || q.port > e.PortRange.To))
    return undefined;
  return parsed.set;
}

export function naclDecide(acl: AwsNetworkAcl, q: NaclQuery, remotes: IntervalSet): NaclDecision {
  const entries = [...acl.Entries].sort((a, b) => a.RuleNumber - b.RuleNumber);
  let rest = remotes;
  let allowed = IntervalSet.EMPTY;
  const allowedBy: number[] = [];
  for (const e of entries) {
    if (rest.isEmpty()) break;
    const set = entryMatches(e, q);
    if (!set) continue;
    const hit = rest.intersect(set);
    if (hit.isEmpty()) continue;
    if (e.RuleAction === 'allow') {
      allowed = allowed.union(hit);
      allowedBy.push(e.RuleNumber);
    }
    rest = rest.subtract(hit);
  }
  return { allowed, allowedBy };
}

/** Port boundaries where an ACL's answer can change (start of each range, and one past its end). */
export function naclPortBreaks(acl: AwsNetworkAcl, egress: boolean): number[] {
  return acl.Entries.filter((e) => e.Egress === egress && e.PortRange).flatMap((e) => [
    e.PortRange!.From,
    e.PortRange!.To + 1,
  ]);
}
