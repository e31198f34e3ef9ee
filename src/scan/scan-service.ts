import { appendAll } from '../core/append-all.js';
import type { Inventory } from '../core/inventory.js';
import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import { resourceOfInventory } from '../resources/resource-details.js';
import { buildFinding, cveIdsOf, type BuildContext, type Enrichment } from '../findings/finding-builder.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import { mergeAliases } from '../match/alias-merger.js';
import { distroFor } from '../match/distro/distro-registry.js';
import type { MatchContext, MatchNote, PackageMatch, SchemeLookup } from '../match/match-types.js';
import { MATCHERS, matcherFor } from '../match/matcher-registry.js';
import type { Matcher } from '../match/match-types.js';
import { DirectoryResolver, HOST_EXCLUDES } from '../source/directory/directory-resolver.js';
import { schemeByName } from '../version/version-registry.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { hostname } from 'node:os';
import { inventoryImage, type ImageInventoryOptions } from '../catalog/image-inventory.js';
import { buildInventory, type InventoryOptions } from '../catalog/inventory-builder.js';

/** What to scan. Images are opened by src/image (registry, docker-archive:, oci:) and cataloged like a directory. */
export type ScanTarget =
  | { kind: 'directory'; path: string }
  | { kind: 'host'; root?: string }
  | { kind: 'inventory'; inventory: Inventory }
  | { kind: 'image'; ref: string; options?: ImageInventoryOptions };

export interface ScanOptions {
  store: VulnStore;
  accountId?: string;
  now?: Date;
  schemes?: SchemeLookup;
  matchers?: readonly Matcher[];
  inventory?: InventoryOptions;
  /** Names the resource the findings belong to (the API's resource); default: from the inventory's source. */
  resource?: (inventory: Inventory) => FindingResource;
  /** Abandons the scan (a time budget): registry requests in flight are aborted, matching stops. */
  signal?: AbortSignal;
}

export interface ScanResult {
  inventory: Inventory;
  findings: Finding[];
  /** What could not be decided (unknown release, unreadable versions): reported, never guessed. */
  notes: MatchNote[];
  /** Package-level decisions before merging, for reports that want every reason. */
  matchCount: number;
  startedAt: string;
  finishedAt: string;
}

/**
 * THE scan: inventory (unless given), match every package with the matcher that claims it, merge
 * aliases, enrich (records, CVSS, KEV, EPSS) and build findings. The CLI calls it now; the API and the
 * scheduler call the same function with stored inventories.
 */
export async function scanTarget(target: ScanTarget, opts: ScanOptions): Promise<ScanResult> {
  const started = new Date();
  const now = opts.now ?? started;
  const inventory = await inventoryOfTarget(target, opts, now);
  const schemes: SchemeLookup = opts.schemes ?? ((name) => schemeByName(name));
  const notes: MatchNote[] = [];
  const ctx = { store: opts.store, schemes, notes, ...(inventory.os ? { os: inventory.os } : {}) };
  const matches = await matchPackages(inventory.packages, ctx, opts.matchers ?? MATCHERS, opts.signal);
  const resource = opts.resource ? opts.resource(inventory) : resourceOfInventory(inventory);
  const buildCtx = buildContextFor(inventory.os, {
    resource,
    accountId: opts.accountId ?? 'local',
    now,
    schemes,
  });
  const findings = await findingsOfMatches(matches, opts.store, buildCtx);
  return {
    inventory,
    findings,
    notes,
    matchCount: matches.length,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

/** The scan's first step: every package matched by the matcher that claims it. */
export async function matchPackages(
  packages: readonly Package[],
  ctx: MatchContext,
  matchers: readonly Matcher[] = MATCHERS,
  signal?: AbortSignal,
): Promise<PackageMatch[]> {
  const matches: PackageMatch[] = [];
  for (const matcher of matchers) {
    signal?.throwIfAborted();
    const mine = packages.filter((p) => matcherFor(p, matchers) === matcher);
    if (mine.length > 0) appendAll(matches, await matcher.match(mine, ctx));
  }
  return matches;
}

/** How findings are built for an inventory of `os` on `resource` (the distro's own CVSS sources). */
export function buildContextFor(
  os: OsInfo | undefined,
  c: Omit<BuildContext, 'vendorSources'>,
): BuildContext {
  return { ...c, vendorSources: distroFor(os)?.vendorSources ?? [] };
}

/**
 * The scan's second step: matches merged by alias into one group per vulnerability and package,
 * enriched (records, CVSS, KEV, EPSS) and built into findings.
 */
export async function findingsOfMatches(
  matches: readonly PackageMatch[],
  store: VulnStore,
  ctx: BuildContext,
): Promise<Finding[]> {
  const records = await store.records([...new Set(matches.map((m) => m.reason.recordId))]);
  const groups = mergeAliases(matches, records);
  const cves = [...new Set(groups.flatMap(cveIdsOf))];
  const enrichment: Enrichment = {
    records,
    cvss: await store.cvss(cves),
    kev: await store.kev(cves),
    epss: await store.epss(cves),
  };
  return groups.map((g) => buildFinding(g, enrichment, ctx));
}

/**
 * The inventory a scan of `target` matches: given, cataloged from a directory or host, or read from an
 * image. The server reads an image here, on its event loop (I/O), and matches it on a worker thread.
 */
export async function inventoryOfTarget(
  target: ScanTarget,
  opts: Pick<ScanOptions, 'inventory' | 'signal'>,
  now: Date,
): Promise<Inventory> {
  const invOpts: InventoryOptions = { now, ...opts.inventory };
  switch (target.kind) {
    case 'inventory':
      return target.inventory;
    case 'directory':
      return buildInventory(
        new DirectoryResolver(target.path),
        { type: 'directory', target: target.path },
        invOpts,
      );
    case 'host': {
      const root = target.root ?? '/';
      const resolver = new DirectoryResolver(root, { exclude: HOST_EXCLUDES });
      // The host's name, not "/": finding ids and resources must differ from one machine to the next.
      return buildInventory(resolver, { type: 'host', target: root === '/' ? hostname() : root }, invOpts);
    }
    case 'image':
      return inventoryImage(target.ref, {
        ...target.options,
        now,
        ...(opts.inventory?.catalogers ? { catalogers: opts.inventory.catalogers } : {}),
        ...(opts.inventory?.onProgress ? { onProgress: opts.inventory.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
  }
}
