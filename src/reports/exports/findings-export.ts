import type { Kysely } from 'kysely';
import { criteriaWhere } from '../../findings/filter-criteria-sql.js';
import type { FilterCriteria } from '../../findings/filter-criteria.js';
import type { Finding } from '../../findings/finding-types.js';
import { findingJson, findingOfRow } from '../../findings/finding-rows.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { findingsCsv } from '../formats/findings/findings-csv.js';
import { ReportContentBuilder } from './report-content-builder.js';
import type { FindingsReportFormat, ReportContent } from './report-types.js';

const PAGE_SIZE = 500;

export interface FindingsExport {
  reportId: string;
  format: FindingsReportFormat;
  filter: FilterCriteria;
  /** The accounts visible to the requesting key when the report was created. */
  scope: readonly string[];
  createdAt: string;
}

/**
 * Pages of findings in id order by keyset (no OFFSET: a page costs the same at the millionth row, and
 * rows changing meanwhile neither repeat nor shift the rest), through the one FilterCriteria evaluator.
 */
export async function* findingPages(
  db: Kysely<ServiceDatabase>,
  scope: readonly string[],
  filter: FilterCriteria,
): AsyncGenerator<Finding[]> {
  if (scope.length === 0) return;
  let after: string | undefined;
  for (;;) {
    let q = db
      .selectFrom('findings')
      .select(['id', 'last_observed_at', findingJson()])
      .where('account_id', 'in', [...scope])
      .where(criteriaWhere(filter))
      .orderBy('id')
      .limit(PAGE_SIZE);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.execute();
    if (rows.length > 0) yield rows.map(findingOfRow);
    if (rows.length < PAGE_SIZE) return;
    after = rows[rows.length - 1]?.id;
  }
}

/** The report document: CSV (one row per finding), or JSON `{reportId, createdAt, findings: [...]}`. */
export async function exportFindings(
  db: Kysely<ServiceDatabase>,
  job: FindingsExport,
  out: ReportContentBuilder = new ReportContentBuilder(),
): Promise<ReportContent> {
  const pages = findingPages(db, job.scope, job.filter);
  if (job.format === 'CSV') {
    out.append(findingsCsv([], true));
    for await (const page of pages) out.append(findingsCsv(page, false));
    return { content: out.build(), contentType: 'text/csv; charset=utf-8' };
  }
  out.append(`{"reportId":${JSON.stringify(job.reportId)},"createdAt":${JSON.stringify(job.createdAt)}`);
  out.append(',"findings":[');
  let first = true;
  for await (const page of pages) {
    out.append((first ? '\n' : ',\n') + page.map((f) => JSON.stringify(f)).join(',\n'));
    first = false;
  }
  out.append('\n]}\n');
  return { content: out.build(), contentType: 'application/json; charset=utf-8' };
}
