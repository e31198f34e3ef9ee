import type { Inventory } from '../src/core/inventory.js';
import type { StoreContext } from '../src/store/store-context.js';
import type { VulnDb } from '../src/vulndb/vuln-db.js';
import type { BenchRow } from './bench-suite.js';
import { peakRssKb } from './service-fleet.js';

/** A stored fleet: its inventories, and per Debian source package how many hosts hold it. */
export interface Fleet {
  ctx: StoreContext;
  /** The one account the fleet's hosts belong to. */
  accountId: string;
  inventories: Inventory[];
  holders: Map<string, number>;
  release: string;
}

/** What each measured phase after the first pass works on and reports to. */
export interface FleetPhase {
  n: number;
  fleet: Fleet;
  vulndb: VulnDb;
  /** The scratch folder (imports' files are written there). */
  scratch: string;
  /** The re-scan baseline for the whole fleet, in ms (extrapolated). */
  rescanMs: number;
  notes: string[];
  /** 0: a fresh fleet; k: the k-th run on a kept one (fleet-bench.ts, VIGIL_BENCH_FLEET_KEEP). */
  run: number;
}

/**
 * Where a phase's .cpuprofile goes (VIGIL_BENCH_FLEET_PROFILE=PREFIX: PREFIX-first.cpuprofile,
 * PREFIX-full, -nodigest, -advisory-K …); undefined: not profiled. A profiled run's times include the profiler's.
 */
export function profileFile(phase: string): string | undefined {
  const prefix = process.env['VIGIL_BENCH_FLEET_PROFILE'];
  return prefix ? `${prefix}-${phase}.cpuprofile` : undefined;
}

export interface Started {
  wall: number;
  cpu: NodeJS.CpuUsage;
}

export function start(): Started {
  return { wall: performance.now(), cpu: process.cpuUsage() };
}

/** CPU time of this process since `s` (user + system): the machine is shared, wall time is not all ours. */
function cpuNote(s: Started): string {
  const c = process.cpuUsage(s.cpu);
  return `CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`;
}

export function row(
  workload: string,
  s: Started,
  run: { ms: number } | undefined,
  rescanMs: number,
): BenchRow {
  const wallMs = performance.now() - s.wall;
  return {
    workload,
    results: [
      { tool: 'vigil re-match', wallMs, peakRssKb: peakRssKb(), note: cpuNote(s) },
      { tool: 're-scan all', wallMs: rescanMs, peakRssKb: peakRssKb(), note: 'extrapolated' },
    ],
    ...(run ? {} : { skipped: 'nothing to re-match' }),
  };
}
