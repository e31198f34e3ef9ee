import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import { findingIdentity } from '../findings/finding-builder.js';
import { findingPackageKey, scanDigest } from '../findings/finding-digest.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import { lookupKeysOf, matchContextKey } from '../match/lookup-keys.js';
import type { AffectedRow } from '../vulndb/vuln-types.js';
import type { MatchReason, Matcher, PackageMatch, SchemeLookup } from '../match/match-types.js';
import { MATCHERS, matcherFor } from '../match/matcher-registry.js';
import { schemeByName } from '../version/version-registry.js';
import { CachingVulnStore } from '../vulndb/caching-vuln-store.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { buildContextFor, findingsOfMatches, matchPackages } from './scan-service.js';

/** One lookup component of one stored inventory (match/lookup-keys.ts), as the memo takes it. */
export interface ComponentInput {
  /** Identifies its packages exactly (the index rows' text): equal keys, equal packages. */
  key: string;
  /** Its packages in inventory order; called only when the component is not memoized yet. */
  packages(): Package[] | Promise<Package[]>;
}

export interface HostInput {
  os: OsInfo | undefined;
  components: readonly ComponentInput[];
}

/** A finding built once for a component, given to every host that has the same component. */
export interface FindingTemplate {
  /** Built for no resource: `specialize` names the host's. */
  finding: Finding;
  packageKey: string;
  vulnerabilityId: string;
  /** scanDigest of the finding: what a scan decides, the same on every host. */
  digest: string;
}

type Decision = { row: AffectedRow; reason: MatchReason };

export interface MemoStats {
  /** Distinct components built (matched, merged, enriched) in this memo's life. */
  componentsBuilt: number;
  /** Components served from the memo. */
  componentHits: number;
  /** Distinct (context, matcher, keys) package decisions matched against the DB. */
  packagesMatched: number;
}

/** Templates held before the memo forgets them all (bounds memory on a 10,000-host run). */
const MAX_TEMPLATES = 250_000;
/** Packages per matcher call when deciding: bounds the time between two yields. */
const DECIDE_SLICE = 200;
const PLACEHOLDER: FindingResource = { id: '', type: 'HOST', details: {} };

/**
 * THE scan service's two steps (matchPackages, findingsOfMatches) for many stored inventories, memoized:
 * a package's matches depend only on its matcher's lookup keys and the host's match context (distro,
 * release), so each distinct (context, ecosystem key, name, version) is matched once; a component's
 * findings depend only on its packages, so each distinct component is merged, enriched and built once
 * and handed to every host that has it. For one pass over data that does not change meanwhile.
 */
export class ScanMemo {
  readonly store: CachingVulnStore;
  readonly stats: MemoStats = { componentsBuilt: 0, componentHits: 0, packagesMatched: 0 };
  private readonly decisions = new Map<string, Decision[]>();
  private readonly templates = new Map<string, FindingTemplate[]>();
  private templateCount = 0;
  private readonly schemes: SchemeLookup;
  private readonly matchers: readonly Matcher[];
  private readonly pause: () => Promise<void>;

  constructor(
    store: VulnStore,
    private readonly now: Date,
    opts: { schemes?: SchemeLookup; matchers?: readonly Matcher[]; pause?: () => Promise<void> } = {},
  ) {
    this.store = new CachingVulnStore(store);
    this.schemes = opts.schemes ?? ((name) => schemeByName(name));
    this.matchers = opts.matchers ?? MATCHERS;
    this.pause = opts.pause ?? (() => Promise.resolve());
  }

  /** The templates of every component of every host (in order); what is missing is built in bulk. */
  async templatesFor(hosts: readonly HostInput[]): Promise<FindingTemplate[][][]> {
    const missing = new Map<string, { os: OsInfo | undefined; packages: Package[] }>();
    const loaded = new Set<{ os: OsInfo | undefined; packages: Package[] }>();
    const keys = hosts.map((h) => {
      const context = matchContextKey(h.os);
      return h.components.map((c) => {
        const key = `${context}\n${c.key}`;
        if (this.templates.has(key)) this.stats.componentHits++;
        else if (!missing.has(key)) missing.set(key, { os: h.os, packages: [] });
        else this.stats.componentHits++;
        return key;
      });
    });
    // Read only for the components to build (a full re-match reads their JSON from the DB here).
    for (const [i, h] of hosts.entries())
      for (const [j, c] of h.components.entries()) {
        const m = missing.get(keys[i]?.[j] ?? '');
        if (m && !loaded.has(m)) {
          loaded.add(m);
          m.packages = await c.packages();
        }
      }
    if (missing.size > 0) await this.build(missing);
    return keys.map((list) => list.map((k) => this.templates.get(k) ?? []));
  }

  private async build(missing: Map<string, { os: OsInfo | undefined; packages: Package[] }>): Promise<void> {
    await this.decide([...missing.values()]);
    const all = [...missing.values()].flatMap((c) => c.packages.flatMap((p) => this.decisionsOf(p, c.os)));
    // Everything the builds below read, in a few bulk queries instead of a few per component.
    const ids = [...new Set(all.map((d) => d.reason.recordId))];
    const records = await this.store.records(ids);
    const cves = new Set(ids.filter((id) => id.startsWith('CVE-')));
    for (const r of records.values()) for (const a of r.aliases) if (a.startsWith('CVE-')) cves.add(a);
    await Promise.all([this.store.cvss([...cves]), this.store.kev([...cves]), this.store.epss([...cves])]);
    if (this.templateCount + missing.size > MAX_TEMPLATES) {
      this.templates.clear();
      this.templateCount = 0;
    }
    for (const [key, c] of missing) {
      const matches: PackageMatch[] = [];
      for (const pkg of c.packages) for (const d of this.decisionsOf(pkg, c.os)) matches.push({ pkg, ...d });
      const ctx = buildContextFor(c.os, {
        resource: PLACEHOLDER,
        accountId: '',
        now: this.now,
        schemes: this.schemes,
      });
      const built = (await findingsOfMatches(matches, this.store, ctx)).map(template);
      this.templates.set(key, built);
      this.templateCount += Math.max(1, built.length);
      this.stats.componentsBuilt++;
      await this.pause();
    }
  }

  /** Matches every package whose decision is not memoized yet: one matcher call per context. */
  private async decide(
    components: ReadonlyArray<{ os: OsInfo | undefined; packages: Package[] }>,
  ): Promise<void> {
    const byContext = new Map<string, { os: OsInfo | undefined; reps: Map<string, Package> }>();
    for (const c of components) {
      const context = matchContextKey(c.os);
      let group = byContext.get(context);
      if (!group) byContext.set(context, (group = { os: c.os, reps: new Map() }));
      for (const pkg of c.packages) {
        const key = this.decisionKey(pkg, c.os);
        if (key !== undefined && !this.decisions.has(key) && !group.reps.has(key)) group.reps.set(key, pkg);
      }
    }
    for (const { os, reps } of byContext.values()) {
      const entries = [...reps.entries()];
      // Packages are matched independently of each other: in slices, the event loop breathes between.
      for (let i = 0; i < entries.length; i += DECIDE_SLICE) {
        const slice = entries.slice(i, i + DECIDE_SLICE);
        const ctx = { store: this.store, schemes: this.schemes, notes: [], ...(os ? { os } : {}) };
        const found = await matchPackages(
          slice.map(([, pkg]) => pkg),
          ctx,
          this.matchers,
        );
        const byPkg = new Map<Package, Decision[]>();
        for (const m of found) {
          const list = byPkg.get(m.pkg);
          if (list) list.push({ row: m.row, reason: m.reason });
          else byPkg.set(m.pkg, [{ row: m.row, reason: m.reason }]);
        }
        for (const [key, pkg] of slice) this.decisions.set(key, byPkg.get(pkg) ?? []);
        this.stats.packagesMatched += slice.length;
        await this.pause();
      }
    }
  }

  private decisionsOf(pkg: Package, os: OsInfo | undefined): Decision[] {
    const key = this.decisionKey(pkg, os);
    return key === undefined ? [] : (this.decisions.get(key) ?? []);
  }

  /** What a package's matches depend on: its context, its matcher and the keys that matcher reads by. */
  private decisionKey(pkg: Package, os: OsInfo | undefined): string | undefined {
    const matcher = matcherFor(pkg, this.matchers);
    if (!matcher) return undefined;
    const keys = lookupKeysOf(pkg, os, this.matchers);
    if (keys.length === 0) return undefined;
    const parts = keys.map((k) => `${k.ecosystem}\0${k.name}\0${k.version}`).join('\0');
    return `${matchContextKey(os)}\0${matcher.name}\0${parts}`;
  }
}

function template(finding: Finding): FindingTemplate {
  return {
    finding,
    packageKey: findingPackageKey(finding) ?? '',
    vulnerabilityId: finding.packageVulnerabilityDetails?.vulnerabilityId ?? '',
    digest: scanDigest(finding),
  };
}

/** The template's finding for one host: its identity within the resource, account and resource. */
export function specialize(t: FindingTemplate, accountId: string, resource: FindingResource): Finding {
  return {
    ...t.finding,
    id: findingIdentity(resource.id, t.vulnerabilityId, t.packageKey),
    accountId,
    resources: [resource],
  };
}
