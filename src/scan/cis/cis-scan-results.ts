import { stringify } from 'csv-stringify/sync';
import type { Kysely, Selectable } from 'kysely';
import type { CheckResult, CheckStatus } from '../../checks/model/check-result.js';
import type { CisScanTable } from '../../store/cis-schema.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

type Db = Kysely<ServiceDatabase>;

/** Inspector v2's CisScan. */
export interface CisScan {
  scanId: string;
  accountId: string;
  scanConfigurationId?: string;
  scanName: string;
  securityLevel: string;
  status: string;
  statusReason?: string;
  scanDate: string;
  finishedAt?: string;
  totalChecks: number;
  failedChecks: number;
  targets: { total: number; pending: number; completed: number; skipped: number; failed: number };
}

/** Inspector's StatusCounts, with vigil's two further statuses beside `skipped`. */
export interface StatusCounts {
  passed: number;
  failed: number;
  skipped: number;
  notApplicable: number;
  error: number;
}

const COUNT_KEY: Record<CheckStatus, keyof StatusCounts> = {
  PASSED: 'passed',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  NOT_APPLICABLE: 'notApplicable',
  ERROR: 'error',
};
const noCounts = (): StatusCounts => ({ passed: 0, failed: 0, skipped: 0, notApplicable: 0, error: 0 });

interface TargetRow {
  resource_account_id: string;
  resource_id: string;
  status: string;
  status_reason: string | null;
  results_json: string | null;
}

function scanView(s: Selectable<CisScanTable>, targets: readonly Pick<TargetRow, 'status'>[]): CisScan {
  const n = (status: string) => targets.filter((t) => t.status === status).length;
  return {
    scanId: s.id,
    accountId: s.account_id,
    ...(s.config_id ? { scanConfigurationId: s.config_id } : {}),
    scanName: s.scan_name,
    securityLevel: s.security_level,
    status: s.status,
    ...(s.status_reason ? { statusReason: s.status_reason } : {}),
    scanDate: s.started_at,
    ...(s.finished_at ? { finishedAt: s.finished_at } : {}),
    totalChecks: s.total_checks,
    failedChecks: s.failed_checks,
    targets: {
      total: targets.length,
      pending: n('PENDING'),
      completed: n('COMPLETED'),
      skipped: n('SKIPPED'),
      failed: n('FAILED'),
    },
  };
}

/** The account's scans, newest first (at most `limit`), optionally of one configuration. */
export async function listCisScans(
  db: Db,
  accountId: string,
  q: { limit: number; scanConfigurationId?: string },
): Promise<CisScan[]> {
  let query = db.selectFrom('cis_scans').selectAll().where('account_id', '=', accountId);
  if (q.scanConfigurationId) query = query.where('config_id', '=', q.scanConfigurationId);
  const scans = await query.orderBy('started_at', 'desc').orderBy('id').limit(q.limit).execute();
  if (scans.length === 0) return [];
  const targets = await db
    .selectFrom('cis_scan_targets')
    .select(['scan_id', 'status'])
    .where('account_id', '=', accountId)
    .where(
      'scan_id',
      'in',
      scans.map((s) => s.id),
    )
    .execute();
  return scans.map((s) =>
    scanView(
      s,
      targets.filter((t) => t.scan_id === s.id),
    ),
  );
}

async function targetsOf(db: Db, accountId: string, scanId: string): Promise<TargetRow[]> {
  return db
    .selectFrom('cis_scan_targets')
    .select(['resource_account_id', 'resource_id', 'status', 'status_reason', 'results_json'])
    .where('account_id', '=', accountId)
    .where('scan_id', '=', scanId)
    .orderBy('resource_account_id')
    .orderBy('resource_id')
    .execute();
}

export async function getCisScan(db: Db, accountId: string, scanId: string): Promise<CisScan | undefined> {
  const s = await db
    .selectFrom('cis_scans')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', scanId)
    .executeTakeFirst();
  return s ? scanView(s, await targetsOf(db, accountId, scanId)) : undefined;
}

const resultsOf = (t: TargetRow): CheckResult[] =>
  t.results_json === null ? [] : (JSON.parse(t.results_json) as CheckResult[]);

/** Results by check: each check's status counts over the scan's assessed hosts. Undefined: no such scan. */
export async function cisScanResultsByCheck(db: Db, accountId: string, scanId: string) {
  if (!(await getCisScan(db, accountId, scanId))) return undefined;
  const byCheck = new Map<
    string,
    { check: Omit<CheckResult, 'status' | 'statusReason' | 'remediation'>; counts: StatusCounts }
  >();
  for (const t of await targetsOf(db, accountId, scanId)) {
    for (const r of resultsOf(t)) {
      const { status, statusReason: _reason, remediation: _remediation, ...check } = r;
      const entry = byCheck.get(r.checkId) ?? { check, counts: noCounts() };
      entry.counts[COUNT_KEY[status]]++;
      byCheck.set(r.checkId, entry);
    }
  }
  return [...byCheck.values()].map((e) => ({ ...e.check, statusCounts: e.counts }));
}

/** Results by resource: each target host's state and its checks' status counts. Undefined: no such scan. */
export async function cisScanResultsByResource(db: Db, accountId: string, scanId: string) {
  if (!(await getCisScan(db, accountId, scanId))) return undefined;
  return (await targetsOf(db, accountId, scanId)).map((t) => {
    const counts = noCounts();
    for (const r of resultsOf(t)) counts[COUNT_KEY[r.status]]++;
    return {
      accountId: t.resource_account_id,
      resourceId: t.resource_id,
      status: t.status,
      ...(t.status_reason ? { statusReason: t.status_reason } : {}),
      statusCounts: counts,
    };
  });
}

/** One host's per-check details (with statusReason). Undefined: no such scan or host in it. */
export async function cisScanResourceChecks(
  db: Db,
  accountId: string,
  scanId: string,
  resourceId: string,
): Promise<CheckResult[] | undefined> {
  const t = (await targetsOf(db, accountId, scanId)).find((x) => x.resource_id === resourceId);
  return t ? resultsOf(t) : undefined;
}

export const CIS_SCAN_CSV_COLUMNS = [
  'accountId',
  'resourceId',
  'checkId',
  'title',
  'level',
  'status',
  'statusReason',
  'cisSection',
  'ssgRuleId',
  'remediation',
] as const;

/** A cell a spreadsheet would run as a formula (=, +, -, @) gets a leading quote. */
const defuse = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** The scan as RFC 4180 CSV: one row per (host, check); a host not assessed is one row with its reason. */
export async function cisScanCsv(db: Db, accountId: string, scanId: string): Promise<string | undefined> {
  if (!(await getCisScan(db, accountId, scanId))) return undefined;
  const rows: string[][] = [[...CIS_SCAN_CSV_COLUMNS]];
  for (const t of await targetsOf(db, accountId, scanId)) {
    const results = resultsOf(t);
    if (results.length === 0)
      rows.push([
        t.resource_account_id,
        t.resource_id,
        '',
        '',
        '',
        t.status,
        t.status_reason ?? '',
        '',
        '',
        '',
      ]);
    for (const r of results)
      rows.push([
        t.resource_account_id,
        t.resource_id,
        r.checkId,
        r.title,
        String(r.level),
        r.status,
        r.statusReason,
        r.cisSection ?? '',
        r.ssgRuleId ?? '',
        r.remediation,
      ]);
  }
  return stringify(
    rows.map((row) => row.map(defuse)),
    { record_delimiter: 'windows' },
  );
}
