import { appendAll } from '../core/append-all.js';
import type { Inventory } from '../core/inventory.js';
import { resourceOfInventory } from '../resources/resource-details.js';
import { buildFinding, cveIdsOf, type Enrichment } from '../findings/finding-builder.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import { mergeAliases } from '../match/alias-merger.js';
import { distroFor } from '../match/distro/distro-registry.js';
import type { MatchNote, PackageMatch, SchemeLookup } from '../match/match-types.js';
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
  const inventory = await inventoryOf(target, opts, now);
  const schemes: SchemeLookup = opts.schemes ?? ((name) => schemeByName(name));
  const notes: MatchNote[] = [];
  const ctx = { store: opts.store, schemes, notes, ...(inventory.os ? { os: inventory.os } : {}) };
  const matchers = opts.matchers ?? MATCHERS;
  const matches: PackageMatch[] = [];
  for (const matcher of matchers) {
    const mine = inventory.packages.filter((p) => matcherFor(p, matchers) === matcher);
    if (mine.length > 0) appendAll(matches, await matcher.match(mine, ctx));
  }
  const records = await opts.store.records([...new Set(matches.map((m) => m.reason.recordId))]);
  const groups = mergeAliases(matches, records);
  const cves = [...new Set(groups.flatMap(cveIdsOf))];
  const enrichment: Enrichment = {
    records,
    cvss: await opts.store.cvss(cves),
    kev: await opts.store.kev(cves),
    epss: await opts.store.epss(cves),
  };
  const buildCtx = {
    resource: opts.resource ? opts.resource(inventory) : resourceOfInventory(inventory),
    accountId: opts.accountId ?? 'local',
    now,
    schemes,
    vendorSources: distroFor(inventory.os)?.vendorSources ?? [],
  };
  const findings = groups.map((g) => buildFinding(g, enrichment, buildCtx));
  return {
    inventory,
    findings,
    notes,
    matchCount: matches.length,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

async function inventoryOf(target: ScanTarget, opts: ScanOptions, now: Date): Promise<Inventory> {
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
      });
  }
}
