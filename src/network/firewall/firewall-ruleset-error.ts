import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * A firewall dump (nft JSON, iptables-save text) is not in the form its tool writes: the analysis
 * cannot say anything about that host's firewall, so the facts are refused rather than half-read.
 */
export class FirewallRulesetError extends VigilError {
  constructor(source: string, reason: string, at?: string) {
    super('FIREWALL_RULESET_INVALID', `${source} ruleset is not valid${at ? ` at ${at}` : ''}: ${reason}`, {
      source,
      reason,
      ...(at === undefined ? {} : { at }),
    });
  }
}
