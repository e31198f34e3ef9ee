import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/**
 * Account B's Classic assessment target, template and one run of it (through the API, with B's admin
 * key): the walk aims A's keys at all three.
 */
export async function seedClassicAssessments({ s }: SeedContext): Promise<SeededIds> {
  const base = '/v1/accounts/acct-b';
  const target = await call(s.base, s.keys.adminB, 'POST', `${base}/assessment-targets`, { name: 'seed' });
  if (target.status !== 201) throw new Error(`assessment target seed: ${target.status}`);
  const { assessmentTargetId } = target.json as { assessmentTargetId: string };
  const template = await call(s.base, s.keys.adminB, 'POST', `${base}/assessment-templates`, {
    name: 'isolation seed',
    assessmentTargetId,
    rulesPackages: ['CVE', 'CIS'],
    durationInSeconds: 3600,
  });
  if (template.status !== 201) throw new Error(`assessment template seed: ${template.status}`);
  const { assessmentTemplateId } = template.json as { assessmentTemplateId: string };
  const run = await call(
    s.base,
    s.keys.adminB,
    'POST',
    `${base}/assessment-templates/${assessmentTemplateId}/runs`,
  );
  if (run.status !== 201) throw new Error(`assessment run seed: ${run.status}`);
  const { assessmentRunId } = run.json as { assessmentRunId: string };
  return { assessmentTargetId, assessmentTemplateId, assessmentRunId };
}
