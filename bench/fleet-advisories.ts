import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { osvFeed } from '../src/feeds/osv/osv-feed.js';
import { rematchFromImportLog, type LogRematch } from '../src/scan/rematch-from-log.js';
import type { VulnDb } from '../src/vulndb/vuln-db.js';
import { profiled } from './cpu-profile.js';
import type { BenchRow } from './bench-suite.js';
import { profileFile, row, start, type Fleet, type FleetPhase } from './fleet-rows.js';
import { percentile } from './service-list-latency.js';
import { peakRssKb } from './service-fleet.js';
import { rng } from './service-inventories.js';

/** Advisories imported one at a time (the p95 row), and the size of the one batch import. */
const ADVISORIES = 20;
const BATCH_RECORDS = 100;

/** An advisory on a source package: every version before `fixed` is affected. */
function advisory(id: string, release: string, source: string, fixed: string): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id,
    modified: '2026-06-01T00:00:00Z',
    published: '2026-06-01T00:00:00Z',
    summary: 'vigil fleet bench advisory',
    affected: [
      {
        package: { ecosystem: `Debian:${release}`, name: source },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  });
}

function pickSources(fleet: Fleet, count: number, seed: number): string[] {
  const r = rng(seed);
  const pool = [...fleet.holders.keys()].sort();
  const out: string[] = [];
  while (out.length < Math.min(count, pool.length)) {
    const s = pool[Math.floor(r() * pool.length)] as string;
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

async function importLines(vulndb: VulnDb, scratch: string, lines: string[]): Promise<void> {
  const file = join(scratch, `change-${randomUUID()}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  await vulndb.import([await osvFeed(file, 'osv-vigil-bench')]);
}

/** 20 advisories, one import each: from the commit to the findings on every affected host. */
export async function oneAdvisoryRows(p: FleetPhase): Promise<BenchRow> {
  const { n, fleet, vulndb, scratch, rescanMs, notes } = p;
  const times: number[] = [];
  let cpuMs = 0;
  let hosts = 0;
  let narrowed = 0;
  // A kept fleet's later runs import new advisories on the same sources (the same draw: comparable).
  const id = (k: number): string => `VIGIL-BENCH-${n}-${p.run > 0 ? `${p.run}-` : ''}${k}`;
  for (const [k, source] of pickSources(fleet, ADVISORIES, n).entries()) {
    await importLines(vulndb, scratch, [advisory(id(k), fleet.release, source, '99:0')]);
    const t = performance.now();
    const c0 = process.cpuUsage();
    const run = await profiled(profileFile(`advisory-${k}`), () => rematchFromImportLog(fleet.ctx, vulndb));
    times.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpuMs += (c.user + c.system) / 1000;
    const expected = fleet.holders.get(source) ?? 0;
    if (run?.created !== expected)
      throw new Error(`advisory on ${source}: ${run?.created} findings created, ${expected} hosts hold it`);
    hosts += expected;
    if (run.newRecords > 0) narrowed++;
  }
  notes.push(
    `${n} hosts: one advisory reached ${(hosts / times.length).toFixed(0)} hosts on average ` +
      `(p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, ` +
      `max ${Math.max(...times).toFixed(0)} ms; CPU ${(cpuMs / times.length).toFixed(0)} ms per advisory; ` +
      `${narrowed} of ${times.length} compared only what the new record reaches)`,
  );
  return {
    workload: `${n} hosts: one new advisory, p95 of ${ADVISORIES}`,
    results: [
      { tool: 'vigil re-match', wallMs: percentile(times, 95), peakRssKb: peakRssKb() },
      { tool: 're-scan all', wallMs: rescanMs, peakRssKb: peakRssKb(), note: 'extrapolated' },
    ],
  };
}

/** One import of 100 advisories on 100 source packages (half fixed long ago: no finding). */
export async function batchRow(p: FleetPhase): Promise<BenchRow> {
  const { n, fleet, vulndb, scratch, rescanMs, notes } = p;
  const sources = pickSources(fleet, BATCH_RECORDS, n + 7);
  const lines = sources.map((s, k) =>
    advisory(
      `VIGIL-BENCH-BATCH-${n}-${p.run > 0 ? `${p.run}-` : ''}${k}`,
      fleet.release,
      s,
      k % 2 === 0 ? '99:0' : '0.0.1-1',
    ),
  );
  await importLines(vulndb, scratch, lines);
  const t = start();
  const run = await rematchFromImportLog(fleet.ctx, vulndb);
  const r = row(`${n} hosts: one import of ${lines.length} advisories`, t, run, rescanMs);
  notes.push(`${n} hosts: the ${lines.length}-advisory import ${describe(run)}`);
  return r;
}

function describe(run: LogRematch | undefined): string {
  if (!run) return 'was not re-matched';
  return (
    `named ${run.keys} keys, selected ${run.selected} hosts, changed ${run.changed}, ` +
    `created ${run.created} findings (${run.componentsBuilt} components built, ${run.componentHits} from the memo; ` +
    `${run.newRecords > 0 ? `compared only what its ${run.newRecords} new records reach` : 'whole package scopes compared'})`
  );
}
