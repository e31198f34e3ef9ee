import { agentBench } from './agent-bench.js';
import type { BenchSuite } from './bench-suite.js';
import { checkinBench } from './checkin-bench.js';
import { formatReport } from './bench-table.js';
import { imageBench } from './image-bench.js';
import { inventoryBench } from './inventory-bench.js';
import { scanBench } from './scan-bench.js';
import { serviceBench } from './service-bench.js';
import { vulndbBench } from './vulndb-bench.js';
import { findingIndexBench } from './finding-index-bench.js';
import { fleetBench } from './fleet-bench.js';
import { registryBench } from './registry-bench.js';
import { scaleoutBench } from './scaleout-bench.js';

/** Every benchmark `npm run bench` knows, in the order it runs them; later capabilities add theirs. */
export const BENCH_SUITES: readonly BenchSuite[] = [
  inventoryBench,
  scanBench,
  vulndbBench,
  imageBench,
  serviceBench,
  agentBench,
  checkinBench,
  fleetBench,
  findingIndexBench,
  registryBench,
  scaleoutBench,
];

/**
 * `npm run bench [-- SUITE…]`: runs the named suites (all by default) and prints one table each.
 * VIGIL_BENCH_RUNS sets the runs per measurement (default 5; the median is reported).
 */
async function main(argv: readonly string[]): Promise<number> {
  const wanted = argv.length > 0 ? argv : BENCH_SUITES.map((s) => s.name);
  const unknown = wanted.filter((w) => !BENCH_SUITES.some((s) => s.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench suite(s): ${unknown.join(', ')}; known: ${BENCH_SUITES.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const runs = Number(process.env['VIGIL_BENCH_RUNS'] ?? 5);
  for (const suite of BENCH_SUITES.filter((s) => wanted.includes(s.name))) {
    process.stderr.write(`bench ${suite.name}: ${suite.description}\n`);
    process.stdout.write(formatReport(await suite.run({ runs })) + '\n');
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
