import type { RuleRef } from './firewall/rule-ir.js';
import type { SocketOwner } from './network-facts.js';

/**
 * One hop of a network path, in Inspector's NetworkPath step shape (`componentId`,
 * `componentType`). Cloud hops use Inspector's own types; host hops use vigil's, with the firewall
 * rule or the listening process they stand for.
 */
export type CloudComponentType =
  | 'AWS::EC2::InternetGateway'
  | 'AWS::EC2::NetworkAcl'
  | 'AWS::EC2::SecurityGroup'
  | 'AWS::EC2::NetworkInterface'
  | 'AWS::EC2::Instance';

export type HostComponentType = 'HOST_INTERFACE' | 'HOST_FIREWALL_RULE' | 'LISTENING_PROCESS';

export interface PathStep {
  componentId: string;
  componentType: CloudComponentType | HostComponentType;
  /** HOST_FIREWALL_RULE: where the rule is and its text. */
  rule?: RuleRef;
  /** HOST_INTERFACE: the host address the path ends at. */
  address?: string;
  /** LISTENING_PROCESS: the process holding the socket. */
  process?: SocketOwner;
}

export function ruleStep(rule: RuleRef): PathStep {
  const where = rule.policy ? 'policy' : `handle ${rule.handle ?? '?'}`;
  return {
    componentId: `${rule.source}:${rule.family} ${rule.table}/${rule.chain} ${where}`,
    componentType: 'HOST_FIREWALL_RULE',
    rule,
  };
}
