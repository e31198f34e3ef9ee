import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's suppression rule, created through the API with B's admin key, and one of B's findings
 * (read with B's member key): the isolation walk aims A's keys at {ruleId} and {findingId}.
 */
export async function seedSuppression({ s }: SeedContext): Promise<SeededIds> {
  const rule = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/suppression-rules', {
    name: 'isolation seed',
    reason: 'accepted risk',
    filter: { vulnerabilityId: [{ comparison: 'EQUALS', value: 'CVE-0000-0000' }] },
  });
  if (rule.status !== 201) throw new Error(`seed: rule not created (${rule.status})`);
  const list = await call(s.base, s.keys.memberB, 'GET', '/v1/findings?maxResults=1');
  const finding = (list.json as { findings: Array<{ id: string }> }).findings[0];
  if (!finding) throw new Error('seed: account B has no finding');
  return { ruleId: (rule.json as { rule: { id: string } }).rule.id, findingId: finding.id };
}
