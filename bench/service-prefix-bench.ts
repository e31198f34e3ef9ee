import { CompiledQuery, type Compilable } from 'kysely';
import { prefixByRange, prefixBySubstr, type PrefixSql } from '../src/findings/filter-criteria-sql.js';
import type { FilterCriteria } from '../src/findings/filter-criteria.js';
import { findingKeysQuery, type FindingListQuery } from '../src/findings/finding-query.js';
import type { Finding } from '../src/findings/finding-types.js';
import type { ServiceDb } from '../src/store/service-db.js';
import type { BenchRow } from './bench-suite.js';
import { peakRssKb } from './service-fleet.js';
import { rng } from './service-inventories.js';
import { percentile } from './service-list-latency.js';

/** VIGIL_BENCH_PREFIX_REQUESTS: queries per PREFIX kind, each run once before and once after. */
const PER_KIND = Number(process.env['VIGIL_BENCH_PREFIX_REQUESTS'] ?? 20);

interface PrefixKind {
  kind: string;
  criteria: () => FilterCriteria;
}

/**
 * PREFIX filters as GET /v1/findings asks them of a delegated admin (every account, sorted by id, a
 * page of 100): a package family, a CVE year (broad: a large share of all findings) or a nearly whole
 * id (narrow), a block of hosts. Values drawn from the findings the data was made of.
 */
function prefixKinds(templates: readonly Finding[]): PrefixKind[] {
  const r = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const names = [
    ...new Set(templates.map((t) => t.packageVulnerabilityDetails?.vulnerablePackages[0]?.name ?? '')),
  ];
  const vulns = [...new Set(templates.map((t) => t.packageVulnerabilityDetails?.vulnerabilityId ?? ''))];
  const prefix = (field: keyof FilterCriteria, value: string): FilterCriteria => ({
    [field]: [{ comparison: 'PREFIX', value }],
  });
  return [
    {
      kind: 'packageName PREFIX (3-5 chars)',
      criteria: () => {
        const n = pick(names);
        return prefix('packageName', n.slice(0, Math.min(n.length, 3 + Math.floor(r() * 3))));
      },
    },
    {
      kind: 'vulnerabilityId PREFIX (year, or all but the last char)',
      criteria: () => {
        const v = pick(vulns);
        return prefix('vulnerabilityId', r() < 0.5 ? v.slice(0, v.indexOf('-', 4) + 1) : v.slice(0, -1));
      },
    },
    {
      kind: 'resourceId PREFIX (a block of 10-100 hosts)',
      criteria: () => prefix('resourceId', `host-${String(Math.floor(r() * 500)).padStart(4, '0')}`),
    },
  ];
}

/**
 * The list query's first read (findingKeysQuery, the part PREFIX changes) with PREFIX as main ran it
 * before (prefixBySubstr, no index can serve it) and as a byte range (prefixByRange), on the same
 * database in the same run, alternating. Plus both plans of one packageName query, as notes.
 */
export async function prefixBench(
  db: ServiceDb,
  accounts: readonly string[],
  templates: readonly Finding[],
  label: string,
  notes: string[],
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const query = (criteria: FilterCriteria): FindingListQuery => ({
    accountIds: accounts,
    criteria,
    limit: 100,
    sortBy: 'id',
    sortOrder: 'ASC',
  });
  for (const { kind, criteria } of prefixKinds(templates)) {
    const before: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < PER_KIND; i++) {
      const q = query(criteria());
      const [first, second] = i % 2 === 0 ? [before, after] : [after, before];
      first.push(await timed(db, q, first === before ? prefixBySubstr : prefixByRange));
      second.push(await timed(db, q, second === before ? prefixBySubstr : prefixByRange));
    }
    const rss = peakRssKb();
    rows.push({
      workload: `  ${kind} (${label})`,
      results: [
        {
          tool: 'after: byte range p95',
          wallMs: percentile(after, 95),
          peakRssKb: rss,
          note: figures(after),
        },
        { tool: 'before: substr p95', wallMs: percentile(before, 95), peakRssKb: rss, note: figures(before) },
      ],
    });
  }
  const sample = query({ packageName: [{ comparison: 'PREFIX', value: 'libs' }] });
  for (const [name, prefix] of [
    ['after', prefixByRange],
    ['before', prefixBySubstr],
  ] as const) {
    notes.push(
      `${label}: plan ${name}, packageName PREFIX "libs":\n${await planOf(db, findingKeysQuery(db.kysely, sample, prefix))}`,
    );
  }
  return rows;
}

async function timed(db: ServiceDb, q: FindingListQuery, prefix: PrefixSql): Promise<number> {
  const t = process.hrtime.bigint();
  await findingKeysQuery(db.kysely, q, prefix).execute();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** SQLite: EXPLAIN QUERY PLAN. PostgreSQL: EXPLAIN ANALYZE (the plan it picked, with its real rows and time). */
async function planOf(db: ServiceDb, q: Compilable): Promise<string> {
  const c = q.compile();
  const text = db.dialect === 'sqlite' ? `explain query plan ${c.sql}` : `explain analyze ${c.sql}`;
  const res = await db.kysely.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(text, [...c.parameters]),
  );
  const lines = res.rows.map((row) => String(db.dialect === 'sqlite' ? row['detail'] : row['QUERY PLAN']));
  return lines.map((l) => `    ${l}`).join('\n');
}

function figures(xs: readonly number[]): string {
  const ms = (p: number): string => `${percentile(xs, p).toFixed(1)} ms`;
  return `n=${xs.length} p50 ${ms(50)} · p95 ${ms(95)} · max ${ms(100)}`;
}
