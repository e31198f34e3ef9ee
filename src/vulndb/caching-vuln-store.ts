import type { AffectedRow, CvssEntry, EpssEntry, KevEntry, VulnRecord, VulnStore } from './vuln-types.js';

/**
 * A VulnStore that remembers what it read: rows per (ecosystem, name), records, CVSS, KEV and EPSS
 * per id, absences included. For one pass over many inventories against data that does not change
 * meanwhile (a re-match run): 10,000 hosts read the same few thousand keys, each once.
 */
export class CachingVulnStore implements VulnStore {
  private readonly rows = new Map<string, AffectedRow[]>();
  private readonly recordCache = new Map<string, VulnRecord | null>();
  private readonly cvssCache = new Map<string, CvssEntry[] | null>();
  private readonly kevCache = new Map<string, KevEntry | null>();
  private readonly epssCache = new Map<string, EpssEntry | null>();

  constructor(private readonly inner: VulnStore) {}

  get file(): string | undefined {
    return (this.inner as { file?: string }).file;
  }

  async affected(ecosystem: string, packageNames: readonly string[]): Promise<AffectedRow[]> {
    const key = (n: string): string => `${ecosystem}\0${n}`;
    const missing = [...new Set(packageNames)].filter((n) => !this.rows.has(key(n)));
    if (missing.length > 0) {
      const fetched = await this.inner.affected(ecosystem, missing);
      for (const n of missing) this.rows.set(key(n), []);
      // Precedence is decided per (vulnerability, ecosystem, name): per-name lists keep it.
      for (const r of fetched) this.rows.get(key(r.packageName))?.push(r);
    }
    const out: AffectedRow[] = [];
    for (const n of new Set(packageNames)) for (const r of this.rows.get(key(n)) ?? []) out.push(r);
    return out;
  }

  records(ids: readonly string[]): Promise<Map<string, VulnRecord>> {
    return cached(ids, this.recordCache, (m) => this.inner.records(m));
  }

  cvss(cveIds: readonly string[]): Promise<Map<string, CvssEntry[]>> {
    return cached(cveIds, this.cvssCache, (m) => this.inner.cvss(m));
  }

  kev(cveIds: readonly string[]): Promise<Map<string, KevEntry>> {
    return cached(cveIds, this.kevCache, (m) => this.inner.kev(m));
  }

  epss(cveIds: readonly string[]): Promise<Map<string, EpssEntry>> {
    return cached(cveIds, this.epssCache, (m) => this.inner.epss(m));
  }
}

async function cached<V>(
  ids: readonly string[],
  cache: Map<string, V | null>,
  load: (missing: string[]) => Promise<Map<string, V>>,
): Promise<Map<string, V>> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  if (missing.length > 0) {
    const found = await load(missing);
    for (const id of missing) cache.set(id, found.get(id) ?? null);
  }
  const out = new Map<string, V>();
  for (const id of ids) {
    const v = cache.get(id);
    if (v !== undefined && v !== null) out.set(id, v);
  }
  return out;
}
