import type { Kysely } from 'kysely';
import {
  decideCisCoverage,
  type CisCoverageReason,
  type CoverageStatus,
} from '../../resources/coverage/coverage-decision.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

type Db = Kysely<ServiceDatabase>;

/** Inspector's CoveredResource for scan type CIS. */
export interface CisCoveredResource {
  accountId: string;
  resourceId: string;
  resourceType: 'HOST';
  scanType: 'CIS';
  scanStatus: { statusCode: CoverageStatus; reason: CisCoverageReason; message?: string };
  lastScannedAt?: string;
}

/** Every live host of the account with its CIS coverage, decided now (coverage-decision.ts). */
export async function listCisCoverage(db: Db, accountId: string, now: Date): Promise<CisCoveredResource[]> {
  const rows = await db
    .selectFrom('resources as r')
    .leftJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'r.account_id').onRef('h.resource_id', '=', 'r.id'),
    )
    .leftJoin('host_assessment_facts as f', (j) =>
      j.onRef('f.account_id', '=', 'r.account_id').onRef('f.resource_id', '=', 'r.id'),
    )
    .select(['r.id', 'r.details_json', 'h.last_checkin_at', 'h.offline_at', 'f.received_at'])
    .where('r.account_id', '=', accountId)
    .where('r.type', '=', 'HOST')
    .where('r.deleted_at', 'is', null)
    .orderBy('r.id')
    .execute();
  const waiting = new Set(
    (
      await db
        .selectFrom('cis_scan_targets as t')
        .innerJoin('cis_scans as s', 's.id', 't.scan_id')
        .select('t.resource_id')
        .where('t.resource_account_id', '=', accountId)
        .where('t.status', '=', 'PENDING')
        .where('s.status', '=', 'IN_PROGRESS')
        .execute()
    ).map((t) => t.resource_id),
  );
  return rows.map((r) => {
    const d = decideCisCoverage(
      {
        deleted: false,
        os: (JSON.parse(r.details_json) as { os?: { family?: unknown; version?: unknown } | null }).os,
        ...(r.last_checkin_at && r.offline_at
          ? { agent: { lastCheckinAt: r.last_checkin_at, offlineAt: r.offline_at } }
          : {}),
        inProgress: waiting.has(r.id),
        lastFactsAt: r.received_at,
      },
      now,
    );
    return {
      accountId,
      resourceId: r.id,
      resourceType: 'HOST' as const,
      scanType: 'CIS' as const,
      scanStatus: { statusCode: d.status, reason: d.reason, ...(d.message ? { message: d.message } : {}) },
      ...(r.received_at ? { lastScannedAt: r.received_at } : {}),
    };
  });
}
