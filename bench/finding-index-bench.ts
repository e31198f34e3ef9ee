import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newFindingId } from '../src/findings/finding-ids.js';
import { openServiceDb } from '../src/store/service-db.js';
import type { FindingTable } from '../src/store/findings-schema.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { percentile } from './service-list-latency.js';
import { peakRssKb } from './service-fleet.js';
import { rng } from './service-inventories.js';

const FINDINGS_PER_HOST = 600;
const ADVISORIES = 10;
/** Findings per insert while filling, as finding-writes.ts writes them. */
const ROWS_PER_STATEMENT = 50;
/** Hosts per write transaction in an advisory's rows, as a re-match batches them (rowsPerTransaction). */
const ROWS_PER_TRANSACTION = 2000;

/** The per-resource index findings have since m0032, and the three it replaced (0001, 0009, 0007). */
const RESOURCE_KEY =
  'create index findings_resource_key on findings ' +
  '(account_id, resource_id, package_key, vulnerability_id, status, match_digest, identity_key, id)';
const BEFORE_0032 = [
  'create unique index findings_identity on findings (account_id, resource_id, identity_key)',
  'create index findings_rematch on findings (account_id, resource_id, package_key, vulnerability_id, status, match_digest)',
  'create index findings_resource_id_key on findings (resource_id, account_id, id)',
];
const NETWORK_IMAGE = [
  'findings_network_protocol',
  'findings_port_range',
  'findings_repository_name_key',
  'findings_layer_digest',
];

/**
 * Variants measured one after the other on the same filled DB (the shipped schema), each after its
 * statements, in order. The per-resource indexes are where one advisory's rows scatter: each host's
 * entries sit on a page of their own, while the rest end in the (creation-ordered) id. The first,
 * the schema as 0031 left it, is the baseline of the ratios.
 */
const VARIANTS: ReadonlyArray<{ tool: string; sql: readonly string[] }> = [
  {
    tool: 'as 0031 left it (3 per-resource indexes)',
    sql: [...BEFORE_0032, 'drop index findings_resource_key'],
  },
  {
    tool: 'as shipped (0032: 1 per-resource index)',
    sql: [
      'drop index findings_identity',
      'drop index findings_rematch',
      'drop index findings_resource_id_key',
      RESOURCE_KEY,
    ],
  },
  {
    tool: 'as shipped, without the 4 network/image indexes',
    sql: NETWORK_IMAGE.map((name) => `drop index ${name}`),
  },
];

/**
 * What SQLite alone costs to write one advisory's findings on a fleet, by the findings table's
 * indexes: N hosts (VIGIL_BENCH_INDEX_HOSTS, default 1000) of 600 findings each are inserted with the
 * service DB's real schema (its migrations) and pragmas, then 10 advisories each add one finding and its
 * document on about half the hosts, in transactions as a re-match writes them. No matching, no events,
 * no JSON: the floor under issue 12's "one advisory ≤ 1 s". The variants change the indexes (VARIANTS).
 */
export const findingIndexBench: BenchSuite = {
  name: 'finding-index',
  description: "SQLite's own cost of one advisory's finding rows on N hosts, by the findings indexes",
  async run(): Promise<BenchReport> {
    const n = Number(process.env['VIGIL_BENCH_INDEX_HOSTS'] ?? '1000');
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-index-'));
    const file = join(scratch, 'service.sqlite');
    const notes: string[] = [];
    try {
      await (await openServiceDb({ url: `sqlite:${file}` })).close();
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -65536');
      try {
        const fillMs = fill(db, n);
        notes.push(`${n} hosts: ${n * FINDINGS_PER_HOST} findings filled in ${(fillMs / 1000).toFixed(0)} s`);
        const results = VARIANTS.map((v, i) => measureVariant(db, n, v, i + 2, notes));
        // As shipped first, then the baseline (0031): the table's ratios are the first's to each other.
        const ordered = [results[1], results[0], results[2]].filter((x) => x !== undefined);
        const workload = `${n} hosts: one advisory's rows, median of ${ADVISORIES}`;
        return report(n, [{ workload, results: ordered }], notes);
      } finally {
        db.close();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

function report(n: number, rows: BenchRow[], notes: string[]): BenchReport {
  return {
    title: `finding-index: SQLite's cost of one advisory's finding rows on ${n} hosts (findings indexes)`,
    rows,
    notes: [
      ...notes,
      'rows: one finding and its 2.5 KB document per affected host, transactions of 2,000 rows; ' +
        'the fill used 100-byte documents (the disk)',
      'variants measured in the order of the notes, each after its index changes; ratios: as shipped / each variant',
    ],
  };
}

type Row = Array<string | number | null>;

/** The findings table's columns, in the order findingRow below gives their values. */
const COLUMNS: ReadonlyArray<keyof FindingTable> = [
  'id',
  'account_id',
  'type',
  'status',
  'severity',
  'score',
  'vulnerability_id',
  'package_name',
  'resource_id',
  'resource_type',
  'first_observed_at',
  'last_observed_at',
  'updated_at',
  'closed_at',
  'fix_available',
  'exploit_available',
  'epss_score',
  'identity_key',
  'repository_name',
  'package_manager',
  'package_key',
  'match_digest',
  'network_protocol',
  'port_begin',
  'port_end',
  'layer_digest',
];
const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

const resourceOf = (h: number): string => `host:${createHash('md5').update(String(h)).digest('hex')}`;

/** A finding row as the service writes it (its id from finding-ids.ts, in creation order). */
function findingRow(h: number, i: number, vuln: string, pkg: string, ms: number, r: () => number): Row {
  const at = new Date(ms).toISOString();
  const key = createHash('sha256')
    .update(`${resourceOf(h)}\0${vuln}\0${pkg}\0${i}`)
    .digest('hex');
  const id = newFindingId('acct', key);
  const severity = SEVERITIES[Math.floor(r() * 4)] as string;
  return [
    id,
    'acct',
    'PACKAGE_VULNERABILITY',
    'ACTIVE',
    severity,
    Math.round(r() * 100) / 10,
    vuln,
    pkg,
    resourceOf(h),
    'HOST',
    at,
    at,
    at,
    null,
    'YES',
    'NO',
    r(),
    key.slice(32),
    null,
    'DEB',
    `deb:${pkg}`,
    key.slice(0, 32),
    null,
    null,
    null,
    null,
  ];
}

function inserter(db: Database.Database, rows: number): Database.Statement {
  const one = `(${COLUMNS.map(() => '?').join(',')})`;
  return db.prepare(`insert into findings (${COLUMNS.join(',')}) values ${Array(rows).fill(one).join(',')}`);
}

/** N hosts of 600 findings (5,000 vulnerabilities, 300 packages), one transaction per host. */
function fill(db: Database.Database, n: number): number {
  const started = performance.now();
  // Seeded: the same fleet every run.
  const r = rng(1);
  const many = inserter(db, ROWS_PER_STATEMENT);
  const docs = db.prepare(
    `insert into finding_documents (id, finding_json) values ${Array(ROWS_PER_STATEMENT).fill('(?,?)').join(',')}`,
  );
  const doc = randomBytes(75).toString('base64');
  for (let h = 0; h < n; h++) {
    const ms = Date.UTC(2026, 0, 1) + h * 1000;
    const rows: Row[] = [];
    for (let i = 0; i < FINDINGS_PER_HOST; i++)
      rows.push(findingRow(h, i, `CVE-2024-${Math.floor(r() * 5000)}`, `pkg${Math.floor(r() * 300)}`, ms, r));
    db.transaction(() => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
        many.run(chunk.flat());
        docs.run(chunk.flatMap((row) => [row[0], doc]));
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return performance.now() - started;
}

/**
 * One variant: its index changes, then ADVISORIES advisories' rows; the median and p95 wall. `seed` is
 * the variant's own: its advisories and hosts differ from the other variants'.
 */
function measureVariant(
  db: Database.Database,
  n: number,
  variant: (typeof VARIANTS)[number],
  seed: number,
  notes: string[],
): BenchRow['results'][number] {
  const changed = performance.now();
  for (const statement of variant.sql) db.exec(statement);
  notes.push(`${variant.tool}: indexes changed in ${((performance.now() - changed) / 1000).toFixed(1)} s`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const one = inserter(db, 1);
  const docs = db.prepare('insert into finding_documents (id, finding_json) values (?, ?)');
  const doc = randomBytes(1900).toString('base64');
  const r = rng(seed);
  const times: number[] = [];
  let rows = 0;
  for (let a = 0; a < ADVISORIES; a++) {
    const ms = Date.UTC(2026, 6, 1) + a * 1000;
    const vuln = `VIGIL-INDEX-${seed}-${a}`;
    const hosts = Array.from({ length: n }, (_, h) => h).filter(() => r() < 0.5);
    const t = performance.now();
    for (let i = 0; i < hosts.length; i += ROWS_PER_TRANSACTION)
      db.transaction(() => {
        for (const h of hosts.slice(i, i + ROWS_PER_TRANSACTION)) {
          const row = findingRow(h, 0, vuln, `advisory-pkg-${a}`, ms, r);
          one.run(row);
          docs.run(row[0], doc);
        }
      })();
    times.push(performance.now() - t);
    rows += hosts.length;
  }
  const median = percentile(times, 50);
  notes.push(
    `${variant.tool}: ${Math.round(rows / ADVISORIES)} rows per advisory, median ${median.toFixed(0)} ms, ` +
      `p95 ${percentile(times, 95).toFixed(0)} ms, ${((times.reduce((s, x) => s + x, 0) / rows) * 1000).toFixed(0)} µs per row`,
  );
  return { tool: variant.tool, wallMs: median, peakRssKb: peakRssKb() };
}
