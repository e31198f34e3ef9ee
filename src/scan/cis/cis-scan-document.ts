import type { Kysely } from 'kysely';
import { benchmark } from '../../checks/benchmarks/benchmark-registry.js';
import type { AssessmentDocument } from '../../checks/formats/html-assessment-format.js';
import type { CheckResult } from '../../checks/model/check-result.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { CIS_BENCHMARK, CIS_PROFILE } from './cis-facts-intake.js';

type Db = Kysely<ServiceDatabase>;

/**
 * A scan as the HTML (and so PDF) assessment report shows it: one section per assessed host, with the
 * scan's finish time (never the render time). Hosts not assessed are named in the title line's note.
 * Undefined: no such scan in the account.
 */
export async function cisScanDocument(
  db: Db,
  accountId: string,
  scanId: string,
  tool: { name: string; version: string },
): Promise<AssessmentDocument | undefined> {
  const scan = await db
    .selectFrom('cis_scans')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', scanId)
    .executeTakeFirst();
  if (!scan) return undefined;
  const targets = await db
    .selectFrom('cis_scan_targets')
    .select(['resource_account_id', 'resource_id', 'status', 'results_json', 'facts_mode'])
    .where('account_id', '=', accountId)
    .where('scan_id', '=', scanId)
    .orderBy('resource_account_id')
    .orderBy('resource_id')
    .execute();
  const assessed = targets.filter((t) => t.results_json !== null);
  const b = benchmark(CIS_BENCHMARK);
  return {
    title: `CIS scan "${scan.scan_name}" (${scan.status}, ${assessed.length} of ${targets.length} hosts assessed)`,
    benchmark: { id: b.id, title: b.title, source: b.source },
    level: scan.security_level === 'LEVEL_2' ? 2 : 1,
    profile: CIS_PROFILE,
    tool,
    producedAt: scan.finished_at ?? scan.started_at,
    targets: assessed.map((t) => ({
      description: `${t.resource_id} (account ${t.resource_account_id})`,
      mode: t.facts_mode === 'host' ? ('host' as const) : ('rootfs' as const),
      results: JSON.parse(t.results_json ?? '[]') as CheckResult[],
    })),
  };
}
