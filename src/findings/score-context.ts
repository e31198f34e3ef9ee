import { sql, type Transaction } from 'kysely';
import { contextualScore, type InternetExposure } from '../risk/contextual-score.js';
import { severityFromScore } from '../risk/severity-band.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { Finding } from './finding-types.js';

/**
 * The score of a host's findings in context (Inspector's `inspectorScore`): the base score re-scored
 * as the resource's network exposure says (risk/contextual-score.ts), with every adjustment listed and
 * a detail saying why a score was or was not adjusted. Applied where findings are written (a scan, a
 * re-match, a change of reachability), always from the base (`scoreDetails.baseVector`), so applying
 * it twice changes nothing. The digest of a finding (finding-digest.ts) leaves the context out: it is
 * what the scan decided, the context is the host's.
 */

export const NOT_ANALYSED: InternetExposure = {
  analysed: false,
  reason: 'no network reachability analysis exists for this resource',
};

/** The exposure the last network analysis of the resource stored (network analysis writes it). */
export async function loadExposure(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  resourceId: string,
): Promise<InternetExposure> {
  const found = await loadExposures(trx, [{ accountId, resourceId }]);
  return found.get(`${accountId}\0${resourceId}`) ?? NOT_ANALYSED;
}

/**
 * The same for many resources at once (a re-match's transaction): `account\0resource` → exposure, for
 * those with an analysis stored; the others are NOT_ANALYSED.
 */
export async function loadExposures(
  trx: Transaction<ServiceDatabase>,
  refs: ReadonlyArray<{ accountId: string; resourceId: string }>,
): Promise<Map<string, InternetExposure>> {
  const out = new Map<string, InternetExposure>();
  for (let i = 0; i < refs.length; i += REFS_PER_QUERY) {
    const rows = await trx
      .selectFrom('host_network')
      .select(['account_id', 'resource_id', 'exposure_json'])
      .where(
        sql<boolean>`(account_id, resource_id) in (${sql.join(
          refs.slice(i, i + REFS_PER_QUERY).map((r) => sql`(${r.accountId}, ${r.resourceId})`),
        )})`,
      )
      .where('exposure_json', 'is not', null)
      .execute();
    for (const row of rows)
      if (row.exposure_json)
        out.set(`${row.account_id}\0${row.resource_id}`, JSON.parse(row.exposure_json) as InternetExposure);
  }
  return out;
}

/** Resources per query of loadExposures: two bound parameters each. */
const REFS_PER_QUERY = 400;

/** Only hosts have a network analysis; images' and repositories' findings keep their base score. */
export function weighsContext(f: Finding): boolean {
  return f.resources[0]?.type === 'HOST' && f.scoreDetails !== undefined;
}

/** The finding with its score in the given context (a copy; the input is not changed). */
export function inContext(f: Finding, exposure: InternetExposure): Finding {
  const sd = f.scoreDetails;
  if (!sd || !weighsContext(f)) return f;
  const ctx = contextualScore(sd.baseVector, exposure);
  if (!ctx) return f;
  const { adjustedVector: _v, contextDetail: _d, ...base } = sd;
  const adjusted = ctx.adjustments.length > 0;
  return {
    ...f,
    score: adjusted ? ctx.score : sd.baseScore,
    severity: severityFromScore(adjusted ? ctx.score : sd.baseScore),
    scoreDetails: {
      ...base,
      adjustments: ctx.adjustments,
      ...(adjusted ? { adjustedVector: ctx.vector } : {}),
      contextDetail: ctx.detail,
    },
  };
}
