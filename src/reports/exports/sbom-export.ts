import type { Kysely } from 'kysely';
import type { Inventory } from '../../core/inventory.js';
import { columnsMatch, type FilterableColumns, type ResourceTags } from '../../findings/filter-criteria.js';
import { cyclonedxJsonWriter } from '../formats/sbom/cyclonedx-json-writer.js';
import type { SbomWriter } from '../formats/sbom/sbom-writer.js';
import { spdxJsonWriter } from '../formats/sbom/spdx-json-writer.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { ReportContentBuilder } from './report-content-builder.js';
import type { ReportContent, ResourceFilter, SbomReportFormat } from './report-types.js';

const PAGE_SIZE = 200;
/** The producer named in every document; the same version the CLI and the OpenAPI info carry. */
const SBOM_TOOL = { toolName: 'vigil', toolVersion: '0.1.0' };

/** The existing `vigil sbom` writers: one document per resource, exactly what the CLI writes. */
const WRITERS: Readonly<Record<SbomReportFormat, SbomWriter>> = {
  CYCLONEDX_1_5: cyclonedxJsonWriter,
  SPDX_2_3: spdxJsonWriter,
};

export interface SbomExport {
  reportId: string;
  format: SbomReportFormat;
  resourceFilter: ResourceFilter;
  scope: readonly string[];
  createdAt: string;
}

interface InventoryKey {
  account_id: string;
  resource_id: string;
  type: string | null;
}

/**
 * The resource's face of FilterCriteria: the one in-memory evaluator run on a projection that carries
 * only the resource's columns (the filter names no other field, so the rest never takes part).
 */
function resourceMatches(k: InventoryKey, filter: ResourceFilter, tags: ResourceTags | undefined): boolean {
  const cols: FilterableColumns = {
    account_id: k.account_id,
    resource_id: k.resource_id,
    resource_type: k.type ?? '',
    type: '',
    status: '',
    severity: '',
    vulnerability_id: null,
    package_name: null,
    repository_name: null,
    package_manager: null,
    network_protocol: null,
    port_begin: null,
    port_end: null,
    layer_digest: null,
    fix_available: '',
    exploit_available: '',
    score: null,
    epss_score: null,
    first_observed_at: '',
    last_observed_at: '',
    updated_at: '',
  };
  return columnsMatch(cols, filter, tags);
}

/** The resource's tags from resource_tags (the one source the SQL face reads too); only when filtered on. */
async function tagsOf(
  db: Kysely<ServiceDatabase>,
  k: InventoryKey,
  filter: ResourceFilter,
): Promise<ResourceTags | undefined> {
  if (!filter.resourceTags?.length) return undefined;
  const rows = await db
    .selectFrom('resource_tags')
    .select(['key', 'value'])
    .where('account_id', '=', k.account_id)
    .where('resource_id', '=', k.resource_id)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Keys of the stored inventories of live resources in scope, by keyset on (account, resource). */
async function* inventoryKeyPages(
  db: Kysely<ServiceDatabase>,
  scope: readonly string[],
): AsyncGenerator<InventoryKey[]> {
  if (scope.length === 0) return;
  let after: InventoryKey | undefined;
  for (;;) {
    let q = db
      .selectFrom('inventories as i')
      .leftJoin('resources as r', (j) =>
        j.onRef('r.account_id', '=', 'i.account_id').onRef('r.id', '=', 'i.resource_id'),
      )
      .select(['i.account_id', 'i.resource_id', 'r.type'])
      .where('i.account_id', 'in', [...scope])
      .where('r.deleted_at', 'is', null)
      .orderBy('i.account_id')
      .orderBy('i.resource_id')
      .limit(PAGE_SIZE);
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb('i.account_id', '>', a.account_id),
          eb.and([eb('i.account_id', '=', a.account_id), eb('i.resource_id', '>', a.resource_id)]),
        ]),
      );
    }
    const rows = await q.execute();
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE_SIZE) return;
    after = rows[rows.length - 1];
  }
}

/**
 * One JSON document: `{reportId, format, createdAt, resources: [{accountId, resourceId, resourceType,
 * sbom}], skipped: [{accountId, resourceId, reason}]}`. Each `sbom` is the writer's document spliced in
 * as written (no parse and re-serialize); an inventory that cannot be read is listed in `skipped`.
 */
export async function exportSboms(
  db: Kysely<ServiceDatabase>,
  job: SbomExport,
  out: ReportContentBuilder = new ReportContentBuilder(),
): Promise<ReportContent> {
  const writer = WRITERS[job.format];
  const head = { reportId: job.reportId, format: job.format, createdAt: job.createdAt };
  out.append(`${JSON.stringify(head).slice(0, -1)},"resources":[`);
  const skipped: Array<{ accountId: string; resourceId: string; reason: string }> = [];
  let first = true;
  for await (const page of inventoryKeyPages(db, job.scope)) {
    for (const k of page) {
      if (!resourceMatches(k, job.resourceFilter, await tagsOf(db, k, job.resourceFilter))) continue;
      const doc = await sbomOf(db, k, writer);
      if (!doc) continue; // deleted since the page was read
      if ('reason' in doc) {
        skipped.push({ accountId: k.account_id, resourceId: k.resource_id, reason: doc.reason });
        continue;
      }
      const entry = { accountId: k.account_id, resourceId: k.resource_id, resourceType: k.type };
      out.append(`${first ? '\n' : ',\n'}${JSON.stringify(entry).slice(0, -1)},"sbom":${doc.sbom}}`);
      first = false;
    }
  }
  out.append(`\n],"skipped":${JSON.stringify(skipped)}}\n`);
  return { content: out.build(), contentType: 'application/json; charset=utf-8' };
}

/**
 * The resource's SBOM text from its stored vigil inventory; a row that is not a vigil inventory
 * (corrupt, or a foreign shape) or that a writer cannot render is a reason, not a failed report.
 */
async function sbomOf(
  db: Kysely<ServiceDatabase>,
  k: InventoryKey,
  writer: SbomWriter,
): Promise<{ sbom: string } | { reason: string } | undefined> {
  const row = await db
    .selectFrom('inventories')
    .select('inventory_json')
    .where('account_id', '=', k.account_id)
    .where('resource_id', '=', k.resource_id)
    .executeTakeFirst();
  if (!row) return undefined;
  let inv: Partial<Inventory> | null;
  try {
    inv = JSON.parse(row.inventory_json) as Partial<Inventory> | null;
  } catch {
    return { reason: 'INVENTORY_UNREADABLE' };
  }
  if (inv?.schemaVersion !== 1 || !Array.isArray(inv.packages) || typeof inv.source !== 'object')
    return { reason: 'INVENTORY_UNREADABLE' };
  try {
    return { sbom: writer.write(inv as Inventory, SBOM_TOOL).trim() };
  } catch {
    return { reason: 'SBOM_WRITE_FAILED' };
  }
}
