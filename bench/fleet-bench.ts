import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Inventory } from '../src/core/inventory.js';
import { hostDetails } from '../src/resources/resource-details.js';
import { rematchFromImportLog, type LogRematch } from '../src/scan/rematch-from-log.js';
import { rematchStoredInventories } from '../src/scan/rematch-run.js';
import { applyFinishedScan, storedInventory } from '../src/scan/scan-apply.js';
import { scanTarget } from '../src/scan/scan-service.js';
import { openServiceDb, type ServiceDb } from '../src/store/service-db.js';
import { startWalCheckpointer } from '../src/store/wal-checkpointer.js';
import type { StoreContext } from '../src/store/store-context.js';
import { defaultDbPath, ensureVulnDb } from '../src/vulndb/default-db.js';
import { openVulnDb, type VulnDb } from '../src/vulndb/vuln-db.js';
import { fromTestFixtures } from './bench-fixtures.js';
import { profiled } from './cpu-profile.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { BENCH_NOW, seedFleet } from './service-fleet.js';
import { basePackages, hostInventory } from './service-inventories.js';
import { batchRow, oneAdvisoryRows } from './fleet-advisories.js';
import { outboxPurger } from './fleet-outbox-purger.js';
import { profileFile, row, start, type Fleet, type FleetPhase } from './fleet-rows.js';

const env = (name: string, dflt: string): string => process.env[name] ?? dflt;
const PACKAGES_PER_HOST = 400;

/**
 * Issue 12's fleet: N stored host inventories (400 packages each, drawn seeded from a real dpkg status)
 * re-matched when the vulnerability DB changes, against re-scanning them all with the in-process scan
 * service (matching + enrichment only: no service DB, so the baseline is the cheaper side). Sizes:
 * VIGIL_BENCH_FLEET_HOSTS (default 1000; comma-separated sizes; issue 12's size is 10000). A size
 * whose service DB would not fit on the scratch disk is skipped with the estimate (about 7.2 MB per
 * host: ~610 findings each, every one stored as its JSON and announced by an outbox event carrying
 * it). The re-scan baseline scans a sample (VIGIL_BENCH_FLEET_RESCAN_SAMPLE, default 300) and is
 * extrapolated to N. VIGIL_BENCH_FLEET_PROFILE=PREFIX writes .cpuprofiles of each full re-match and of each
 * advisory's re-match; VIGIL_BENCH_FLEET_DBSTAT=1 notes the DB's largest tables and indexes.
 * VIGIL_BENCH_FLEET_PURGE_OUTBOX=1 purges the outbox while the first pass runs (outboxPurger), so a
 * fleet whose events would not fit on the disk can still be measured. VIGIL_BENCH_FLEET_KEEP=DIR keeps
 * the filled fleet for the next run (isFilled); VIGIL_BENCH_FLEET_ONLY_ADVISORIES=1 measures only the
 * 20 single advisories after the first pass.
 */
export const fleetBench: BenchSuite = {
  name: 'fleet',
  description: 're-match of N stored host inventories after a vulnerability DB import, vs re-scanning all',
  async run(): Promise<BenchReport> {
    const kept = process.env['VIGIL_BENCH_FLEET_KEEP'];
    const scratch = kept ?? mkdtempSync(join(tmpdir(), 'vigil-bench-fleet-'));
    // A kept folder named for the first time is made here (the copy below needs it).
    if (kept) mkdirSync(kept, { recursive: true });
    const notes: string[] = [];
    const vulnFile = join(scratch, 'vulndb.sqlite');
    if (kept && existsSync(vulnFile)) notes.push(`vulnerability DB: kept from an earlier run in ${kept}`);
    else notes.push(`vulnerability DB: a copy of ${await copyBenchVulnDb(vulnFile)}`);
    const rows: BenchRow[] = [];
    try {
      for (const n of env('VIGIL_BENCH_FLEET_HOSTS', '1000').split(',').map(Number)) {
        const room = isFilled(scratch, n) ? undefined : diskRoom(scratch, n);
        if (room) {
          rows.push({ workload: `fleet of ${n}`, results: [], skipped: room });
          continue;
        }
        const db = await openServiceDb({ url: `sqlite:${fleetFile(scratch, n)}` });
        const vulndb = await openVulnDb(vulnFile);
        try {
          rows.push(...(await fleetAt(n, db, vulndb, scratch, notes)));
        } finally {
          await vulndb.close();
          await db.close();
        }
      }
    } finally {
      if (!kept) rmSync(scratch, { recursive: true, force: true });
    }
    return {
      title: 'fleet: re-matching stored inventories after a vulnerability DB import (SQLite, one process)',
      rows,
      notes: [
        ...notes,
        're-match = THE scan service memoized per distinct (release, source, version) and component, ' +
          'applied through the scan lifecycle with its events; it includes reading the index and writing findings',
        're-scan all = scanTarget on each stored inventory, matching and enrichment only (no writes), ' +
          'measured on a sample and extrapolated to N',
        'advisory rows: wall from the import commit to the re-match done; the server adds up to one poll ' +
          'interval (500 ms by default) before it starts',
        'peak RSS: the whole bench process so far',
      ],
    };
  },
};

/**
 * Bytes of service DB per host measured at 300 and 1,000 hosts: 6.9–7.3 MB, of which the outbox (each
 * event carries its finding) 2.6 MB and the finding documents 2.5 MB.
 */
const BYTES_PER_HOST = 7.2e6;
/** The same without the outbox (VIGIL_BENCH_FLEET_PURGE_OUTBOX): 2.6 MB per host less, and a margin. */
const BYTES_PER_HOST_PURGED = 4.8e6;
const purgesOutbox = (): boolean => process.env['VIGIL_BENCH_FLEET_PURGE_OUTBOX'] === '1';

/** The fleet of `n`'s service DB file in the scratch folder. */
const fleetFile = (scratch: string, n: number): string => join(scratch, `fleet-${n}.sqlite`);

/** A SQLite file's size with its WAL, and per host. */
function dbSize(file: string, n: number): string {
  const bytes = [file, `${file}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
  return `${(bytes / 1e9).toFixed(2)} GB, ${(bytes / n / 1e6).toFixed(2)} MB per host`;
}

/** The DB's largest tables and indexes per host (dbstat reads every page: opt-in, VIGIL_BENCH_FLEET_DBSTAT). */
async function largestParts(db: ServiceDb, n: number): Promise<string> {
  const { rows } = await sql<{ name: string; bytes: number }>`
    select name, sum(pgsize) as bytes from dbstat group by name order by bytes desc limit 12`.execute(
    db.kysely,
  );
  return `largest parts per host: ${rows.map((r) => `${r.name} ${(r.bytes / n / 1e3).toFixed(0)} KB`).join(', ')}`;
}

/** Why a fleet of `n` does not fit on the scratch disk (undefined: it does, with 10% to spare). */
function diskRoom(scratch: string, n: number): string | undefined {
  const fs = statfsSync(scratch);
  const free = fs.bavail * fs.bsize;
  const need = n * (purgesOutbox() ? BYTES_PER_HOST_PURGED : BYTES_PER_HOST);
  if (need * 1.1 <= free) return undefined;
  return `needs about ${(need / 1e9).toFixed(0)} GB of disk, ${(free / 1e9).toFixed(0)} GB free`;
}

export async function copyBenchVulnDb(to: string): Promise<string> {
  const r = fromTestFixtures(
    "import { matchingDbPath } from './test/matching/fixtures/matching-db.ts';" +
      'process.stdout.write(await matchingDbPath());',
  );
  let from: string;
  if ('out' in r) from = r.out;
  else {
    from = defaultDbPath();
    await (await ensureVulnDb(from)).close();
  }
  copyFileSync(from, to);
  return from;
}

async function fleetAt(
  n: number,
  db: ServiceDb,
  vulndb: VulnDb,
  scratch: string,
  notes: string[],
): Promise<BenchRow[]> {
  const filled = isFilled(scratch, n);
  const fleet = await storeFleet(n, db, vulndb, filled);
  if ('error' in fleet) return [{ workload: `fleet of ${n}`, results: [], skipped: fleet.error }];
  const run = filled ? keptRuns(scratch, n) : 0;
  const rescan = await rescanAll(fleet, vulndb);
  notes.push(`${n} hosts: re-scan baseline ${rescan.perHostMs.toFixed(1)} ms per inventory (${rescan.note})`);
  const rows: BenchRow[] = [];
  // As the server runs: WAL checkpoints on a thread of their own, not inside a re-match's commit (their
  // CPU is still this process's, in the CPU figures).
  const checkpointer = await startWalCheckpointer(db, (err) =>
    notes.push(`WAL checkpoint failed: ${String(err)}`),
  );
  try {
    // The purges share the writer with the first pass: its time includes them.
    const purger = purgesOutbox() && !filled ? outboxPurger(fleet.ctx, notes) : undefined;
    const t0 = start();
    let first: LogRematch | undefined;
    if (filled)
      notes.push(`${n} hosts: the fleet and its first pass kept from an earlier run (${run} since)`);
    else {
      try {
        first = await profiled(profileFile('first'), () => rematchFromImportLog(fleet.ctx, vulndb));
        rows.push(row(`${n} hosts: full re-match, first (creates every finding)`, t0, first, rescan.allMs));
      } finally {
        const purged = await purger?.stop();
        if (purged !== undefined)
          notes.push(`${n} hosts: ${purged} outbox events purged during the first pass`);
      }
      notes.push(`${n} hosts: ${first?.created ?? 0} findings created by the first full re-match`);
      markFilled(scratch, n);
    }
    notes.push(`${n} hosts: service DB after the first pass: ${dbSize(fleetFile(scratch, n), n)}`);
    if (process.env['VIGIL_BENCH_FLEET_DBSTAT']) notes.push(`${n} hosts: ${await largestParts(db, n)}`);
    rows.push(...(await rematchRows({ n, fleet, vulndb, scratch, rescanMs: rescan.allMs, notes, run })));
  } finally {
    await checkpointer?.stop();
  }
  notes.push(`${n} hosts: service DB at the end: ${dbSize(fleetFile(scratch, n), n)}`);
  return rows;
}

/** The re-match rows after the first pass: full re-matches with nothing to change, then advisories. */
async function rematchRows(p: FleetPhase): Promise<BenchRow[]> {
  const { n, fleet, vulndb, rescanMs, notes } = p;
  if (process.env['VIGIL_BENCH_FLEET_ONLY_ADVISORIES'] === '1') return [await oneAdvisoryRows(p)];
  const rows: BenchRow[] = [];
  const full = (phase: string) =>
    profiled(profileFile(phase), () => rematchStoredInventories(fleet.ctx, vulndb.store, undefined));
  const t1 = start();
  const again = await full('full');
  rows.push(row(`${n} hosts: full re-match, nothing changed`, t1, again, rescanMs));
  notes.push(
    `${n} hosts: a full re-match built ${again.componentsBuilt} distinct components ` +
      `(${again.componentHits} from the memo, ${again.packagesMatched} package decisions); ` +
      `it compared ${again.compared} hosts finding by finding`,
  );
  // The worst case: no host has a digest (a DB whose digests were all cleared): each host compared.
  await fleet.ctx.db.deleteFrom('findings_digests').execute();
  const t2 = start();
  const compared = await full('nodigest');
  rows.push(row(`${n} hosts: full re-match, nothing changed, no digests`, t2, compared, rescanMs));
  notes.push(`${n} hosts: without digests the full re-match compared ${compared.compared} hosts`);
  const scanned = await checkInAgain(fleet, vulndb);
  const t3 = start();
  const after = await full('checkins');
  rows.push(row(`${n} hosts: full re-match after ${scanned} hosts checked in again`, t3, after, rescanMs));
  notes.push(
    `${n} hosts: after ${scanned} hosts' inventories went through the scan path again (each records ` +
      `the digest of the findings it stored), a full re-match compared ${after.compared} hosts`,
  );
  if (after.compared !== 0) throw new Error(`${after.compared} hosts compared after their scans`);
  rows.push(await oneAdvisoryRows(p));
  rows.push(await batchRow(p));
  return rows;
}

/** Hosts whose inventory checkInAgain sends through the scan path once more. */
const CHECKINS = 100;

/**
 * CHECKINS hosts (spread over the fleet) scanned and applied again as a check-in is: THE scan service,
 * then applyFinishedScan, which writes their findings (observed again) and records their digest.
 */
async function checkInAgain(fleet: Fleet, vulndb: VulnDb): Promise<number> {
  const step = Math.max(1, Math.floor(fleet.inventories.length / CHECKINS));
  const now = new Date();
  let sent = 0;
  for (let i = 0; i < fleet.inventories.length && sent < CHECKINS; i += step, sent++) {
    const inventory = fleet.inventories[i] as Inventory;
    const resource = {
      id: inventory.source.target,
      type: 'HOST' as const,
      details: hostDetails(inventory, now),
    };
    const scanned = await scanTarget(
      { kind: 'inventory', inventory },
      { store: vulndb.store, accountId: fleet.accountId, now, resource: () => resource },
    );
    await applyFinishedScan(fleet.ctx.db, {
      accountId: fleet.accountId,
      scan: { id: randomUUID(), kind: 'inventory' },
      resource,
      inventory: storedInventory(inventory),
      findings: scanned.findings,
      now,
    });
  }
  return sent;
}

/**
 * VIGIL_BENCH_FLEET_KEEP=DIR keeps the scratch folder: a fleet whose first pass ended there is used
 * again by the next run (its inventories drawn again, the same seeds), which skips the first pass (17
 * minutes at 10,000 hosts). Each later run counts itself, so its advisories are new ones.
 */
const filledMark = (scratch: string, n: number): string => join(scratch, `fleet-${n}.filled`);
const isFilled = (scratch: string, n: number): boolean =>
  process.env['VIGIL_BENCH_FLEET_KEEP'] !== undefined && existsSync(filledMark(scratch, n));
const markFilled = (scratch: string, n: number): void => writeFileSync(filledMark(scratch, n), '0');

function keptRuns(scratch: string, n: number): number {
  const run = Number(readFileSync(filledMark(scratch, n), 'utf8')) + 1;
  writeFileSync(filledMark(scratch, n), String(run));
  return run;
}

/**
 * N inventories stored as the scan path stores them (resource, inventory, index), without findings;
 * `stored`: only drawn again (a kept fleet).
 */
async function storeFleet(
  n: number,
  db: ServiceDb,
  vulndb: VulnDb,
  stored = false,
): Promise<Fleet | { error: string }> {
  const base = await basePackages(vulndb.store);
  if ('error' in base) return base;
  const accountId = stored ? 'acct-00' : ((await seedFleet(db, 1)).accounts[0] as string);
  const now = new Date(BENCH_NOW);
  const inventories: Inventory[] = [];
  const holders = new Map<string, number>();
  // An agent sends its dpkg status in the status file's order: the drawn packages keep the pool's.
  const order = new Map(base.packages.map((p, i) => [p, i]));
  for (let i = 0; i < n; i++) {
    const inv = hostInventory(base, i, PACKAGES_PER_HOST);
    inv.packages.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    inventories.push(inv);
    for (const s of new Set(
      inv.packages.filter((p) => p.ecosystem === 'deb').map((p) => p.sourceName ?? p.name),
    ))
      holders.set(s, (holders.get(s) ?? 0) + 1);
    if (stored) continue;
    await applyFinishedScan(db.kysely, {
      accountId,
      scan: { id: randomUUID(), kind: 'inventory' },
      resource: { id: inv.source.target, type: 'HOST', details: hostDetails(inv, now) },
      inventory: storedInventory(inv),
      findings: [],
      now,
    });
  }
  const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => new Date() };
  return { ctx, accountId, inventories, holders, release: base.os?.release ?? base.os?.versionId ?? '12' };
}

async function rescanAll(
  fleet: Fleet,
  vulndb: VulnDb,
): Promise<{ allMs: number; perHostMs: number; note: string }> {
  const sample = Math.min(Number(env('VIGIL_BENCH_FLEET_RESCAN_SAMPLE', '300')), fleet.inventories.length);
  const t = start();
  for (const inventory of fleet.inventories.slice(0, sample))
    await scanTarget({ kind: 'inventory', inventory }, { store: vulndb.store });
  const perHostMs = (performance.now() - t.wall) / sample;
  const c = process.cpuUsage(t.cpu);
  const cpuPerHostMs = (c.user + c.system) / 1000 / sample;
  return {
    allMs: perHostMs * fleet.inventories.length,
    perHostMs,
    note: `${sample} of ${fleet.inventories.length} scanned; CPU ${cpuPerHostMs.toFixed(1)} ms per inventory`,
  };
}
