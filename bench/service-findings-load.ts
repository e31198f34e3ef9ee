import type { Finding } from '../src/findings/finding-types.js';
import { findingRow, type StoredFindingRow } from '../src/findings/finding-rows.js';
import { insertFindingRows } from '../src/findings/finding-writes.js';
import type { ServiceDb } from '../src/store/service-db.js';
import { BENCH_NOW } from './service-fleet.js';
import { rng } from './service-inventories.js';

const DAY = 86_400_000;
const ROWS_PER_INSERT = 500; // 22 columns: 11,000 parameters, under SQLite's 32,766 and PG's 65,535
const ROWS_PER_TRANSACTION = 50_000;

export interface LoadShape {
  findings: number;
  accounts: string[];
  resources: number;
}

export interface LoadResult {
  wallMs: number;
  rows: number;
}

function hex(r: () => number, words: number): string {
  let s = '';
  for (let i = 0; i < words; i++) s += ((r() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
  return s;
}

/**
 * Finding `i` of the fleet: a real finding of the ingest bench (vulnerability, package, score,
 * severity, EPSS, JSON size) placed on one of `resources` hosts spread over the accounts, with a
 * lifecycle a year of scanning gives: most ACTIVE, some SUPPRESSED or CLOSED, first seen up to a year
 * ago, last seen since then.
 */
export function fleetFinding(templates: readonly Finding[], shape: LoadShape, i: number): StoredFindingRow {
  const r = rng(0x5eed + i);
  const t = templates[Math.floor(r() * templates.length)] as Finding;
  const host = Math.floor(r() * shape.resources);
  const accountId = shape.accounts[host % shape.accounts.length] as string;
  const now = Date.parse(BENCH_NOW);
  const first = now - Math.floor(r() * 365 * DAY);
  const last = first + Math.floor(r() * (now - first));
  const roll = r();
  const status = roll < 0.78 ? 'ACTIVE' : roll < 0.83 ? 'SUPPRESSED' : 'CLOSED';
  const resourceId = `host-${String(host).padStart(5, '0')}`;
  const f: Finding = {
    ...t,
    id: hex(r, 4),
    accountId,
    status,
    firstObservedAt: new Date(first).toISOString(),
    lastObservedAt: new Date(last).toISOString(),
    updatedAt: new Date(last).toISOString(),
    ...(status === 'CLOSED' ? { closedAt: new Date(last).toISOString() } : {}),
    resources: [{ id: resourceId, type: 'HOST', details: { target: `${resourceId}.bench.internal` } }],
  };
  return findingRow(f, `${t.id}#${i}`);
}

/**
 * Bulk-loads `shape.findings` rows (and their host resources) in big transactions of multi-row
 * INSERTs, the way a migration or an import would.
 */
export async function loadFindings(
  db: ServiceDb,
  templates: readonly Finding[],
  shape: LoadShape,
): Promise<LoadResult> {
  const k = db.kysely;
  const t0 = process.hrtime.bigint();
  const hosts = Array.from({ length: shape.resources }, (_, h) => ({
    id: `host-${String(h).padStart(5, '0')}`,
    account_id: shape.accounts[h % shape.accounts.length] as string,
    type: 'HOST',
    tags_json: '{}',
    details_json: '{}',
    created_at: BENCH_NOW,
    updated_at: BENCH_NOW,
  }));
  for (let h = 0; h < hosts.length; h += ROWS_PER_INSERT) {
    await k
      .insertInto('resources')
      .values(hosts.slice(h, h + ROWS_PER_INSERT))
      .execute();
  }
  for (let start = 0; start < shape.findings; start += ROWS_PER_TRANSACTION) {
    const end = Math.min(shape.findings, start + ROWS_PER_TRANSACTION);
    await k.transaction().execute(async (trx) => {
      for (let b = start; b < end; b += ROWS_PER_INSERT) {
        const batch: StoredFindingRow[] = [];
        for (let i = b; i < Math.min(end, b + ROWS_PER_INSERT); i++)
          batch.push(fleetFinding(templates, shape, i));
        await insertFindingRows(trx, batch);
      }
    });
  }
  return { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, rows: shape.findings };
}
