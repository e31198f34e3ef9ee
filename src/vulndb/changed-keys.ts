import type { PackageKey } from './import-types.js';

/**
 * The package keys an import touched, collected while it runs: the rows a new or updated record brings
 * and the rows a replaced record had (a range that moved away from a package must still re-match it).
 * A changed record with rows neither before nor after (CVSS-only feeds, a record withdrawn before it
 * was ever stored with rows) reaches findings by CVE, not by package: counted as enrichment.
 */
export class ChangedKeys {
  private readonly keys = new Set<string>();
  /** `feed\0id` of changed records that brought no rows; dropped when old rows turn up at the flush. */
  private readonly rowless = new Set<string>();

  recordChanged(feed: string, id: string, rows: readonly { ecosystem: string; packageName: string }[]): void {
    for (const r of rows) this.keys.add(`${r.ecosystem}\0${r.packageName}`);
    if (rows.length === 0) this.rowless.add(`${feed}\0${id}`);
  }

  /** Rows a record had before the import replaced them (read by the write buffer before its delete). */
  replacedRows(
    feed: string,
    rows: readonly { vuln_id: string; ecosystem: string; package_name: string }[],
  ): void {
    for (const r of rows) {
      this.keys.add(`${r.ecosystem}\0${r.package_name}`);
      this.rowless.delete(`${feed}\0${r.vuln_id}`);
    }
  }

  /** Changed records that name no package at all (enrichment by CVE). */
  get rowlessRecords(): number {
    return this.rowless.size;
  }

  sorted(): PackageKey[] {
    return [...this.keys].sort().map((k) => {
      const i = k.indexOf('\0');
      return [k.slice(0, i), k.slice(i + 1)] as const;
    });
  }
}
