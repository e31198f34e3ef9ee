import type { Inventory } from '../src/core/inventory.js';
import type { Finding } from '../src/findings/finding-types.js';
import { scanTarget } from '../src/scan/scan-service.js';
import { openServiceDb } from '../src/store/service-db.js';
import type { VulnStore } from '../src/vulndb/vuln-types.js';
import type { BenchRow } from './bench-suite.js';
import { listenBench, peakRssKb, pool, seedFleet } from './service-fleet.js';
import { basePackages, hostInventory } from './service-inventories.js';

export interface IngestOptions {
  store: VulnStore;
  /** A fresh service DB URL (sqlite:… or postgres://…). */
  url: string;
  backend: string;
  inventories: number;
  packagesPerHost: number;
  accounts: number;
  /** How many of the same inventories the in-process baseline scans (it is extrapolated to all). */
  baselineSample: number;
  /** Agents submitting at once. */
  concurrency: number;
}

export interface IngestResult {
  rows: BenchRow[];
  /** Real findings of the baseline scans: the templates the 1M-finding list bench is generated from. */
  templates: Finding[];
}

export interface Baseline {
  /** Real findings of the scans: the templates the 1M-finding list bench is generated from. */
  templates: Finding[];
  perInventoryMs: number;
}

/**
 * The in-process scan service (no HTTP, no service DB) on the first `sample` host inventories of the
 * fleet. Its findings are the list bench's templates, so VIGIL_BENCH_LIST_ONLY runs this and not the
 * ingest.
 */
export async function baselineScan(
  store: VulnStore,
  base: Inventory,
  sample: number,
  size: number,
): Promise<Baseline> {
  const templates: Finding[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < sample; i++) {
    const r = await scanTarget({ kind: 'inventory', inventory: hostInventory(base, i, size) }, { store });
    for (const f of r.findings) templates.push(f);
  }
  return { templates, perInventoryMs: Number(process.hrtime.bigint() - t0) / 1e6 / Math.max(1, sample) };
}

/**
 * N host inventories POSTed to …/resources/{r}/inventory on the real server (HTTP, validation, auth,
 * scan, lifecycle transaction, audit row), against the in-process scan service on a sample of the
 * same inventories (matching + enrichment only, no HTTP, no service DB).
 */
export async function benchIngest(o: IngestOptions): Promise<IngestResult> {
  const base = await basePackages(o.store);
  if ('error' in base)
    return { rows: [{ workload: 'ingest', results: [], skipped: base.error }], templates: [] };
  const size = Math.min(o.packagesPerHost, base.packages.length);
  const sample = Math.min(o.baselineSample, o.inventories);
  const { templates, perInventoryMs } = await baselineScan(o.store, base, sample, size);
  const baselineRss = peakRssKb();

  const db = await openServiceDb({ url: o.url });
  const fleet = await seedFleet(db, o.accounts);
  const { app, base: url } = await listenBench(db, o.store);
  let created = 0;
  const t1 = process.hrtime.bigint();
  try {
    await pool(o.inventories, o.concurrency, async (i) => {
      const account = i % o.accounts;
      const body = JSON.stringify(hostInventory(base, i, size));
      const res = await fetch(
        `${url}/v1/accounts/${fleet.accounts[account]}/resources/host-${String(i).padStart(5, '0')}/inventory`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${fleet.memberKeys[account]}`,
            'content-type': 'application/json',
          },
          body,
        },
      );
      const json = (await res.json()) as { created?: number };
      if (res.status !== 200) throw new Error(`inventory ${i}: HTTP ${res.status} ${JSON.stringify(json)}`);
      created += json.created ?? 0;
    });
  } finally {
    await app.close();
    await db.close();
  }
  const wallMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const perSec = (x: number): string => (x / (wallMs / 1000)).toFixed(1);
  return {
    templates,
    rows: [
      {
        workload: `ingest ${o.inventories} inventories × ${size} packages, POST …/inventory (${o.backend}, ${o.concurrency} at once)`,
        results: [
          {
            tool: 'vigil HTTP+DB',
            wallMs,
            peakRssKb: peakRssKb(),
            note: `${perSec(o.inventories)} inventories/s, ${perSec(o.inventories * size)} packages/s, ${created} findings created`,
          },
          {
            tool: 'scan service in-process',
            wallMs: perInventoryMs * o.inventories,
            peakRssKb: baselineRss,
            note: `${perInventoryMs.toFixed(0)} ms/inventory over ${sample} of the same inventories, × ${o.inventories}`,
          },
        ],
      },
    ],
  };
}

/**
 * VIGIL_BENCH_LIST_ONLY: only the baseline scans that make the list bench's templates (about 30 s),
 * no ingest over HTTP; the list bench then reuses its cached databases.
 */
export async function benchTemplatesOnly(o: IngestOptions): Promise<IngestResult> {
  const base = await basePackages(o.store);
  if ('error' in base)
    return { rows: [{ workload: 'list templates', results: [], skipped: base.error }], templates: [] };
  const size = Math.min(o.packagesPerHost, base.packages.length);
  const { templates } = await baselineScan(o.store, base, Math.min(o.baselineSample, o.inventories), size);
  return { rows: [], templates };
}
