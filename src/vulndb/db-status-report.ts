import { feedFamily } from './row-precedence.js';
import type { FeedStatus } from './vuln-db.js';

export const STALE_AFTER_DAYS = 7;
const DAY = 86_400_000;

export interface FamilyStatus {
  feed: string;
  /** Feeds in the family (Alpine secdb has one per release and repository). */
  parts: number;
  records: number;
  rows: number;
  /** Newest publisher date across the family (ISO), when any is plausible. */
  dataDate?: string;
  importedAt: string;
  stale: boolean;
}

/** Publisher dates before 1990 are placeholders (Go's `0001-01-01`, undated feeds' epoch). */
function plausible(date: string | undefined): number | undefined {
  const t = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(t) || t < Date.UTC(1990, 0, 1) ? undefined : t;
}

/** Groups feed rows into families and flags data older than a week (by its date, else its import). */
export function summarizeStatus(rows: readonly FeedStatus[], now: Date): FamilyStatus[] {
  const byFamily = new Map<string, FamilyStatus>();
  for (const r of rows) {
    const fam = feedFamily(r.feed);
    const cur = byFamily.get(fam) ?? {
      feed: fam,
      parts: 0,
      records: 0,
      rows: 0,
      importedAt: r.importedAt,
      stale: false,
    };
    cur.parts++;
    cur.records += r.recordCount;
    cur.rows += r.rowCount;
    if (r.importedAt > cur.importedAt) cur.importedAt = r.importedAt;
    const d = plausible(r.dataDate);
    if (d !== undefined && (cur.dataDate === undefined || d > Date.parse(cur.dataDate)))
      cur.dataDate = new Date(d).toISOString();
    byFamily.set(fam, cur);
  }
  for (const f of byFamily.values()) {
    const ref = plausible(f.dataDate) ?? Date.parse(f.importedAt);
    f.stale = now.getTime() - ref > STALE_AFTER_DAYS * DAY;
  }
  return [...byFamily.values()];
}

export function formatStatus(families: readonly FamilyStatus[], dbPath: string, now: Date): string {
  if (families.length === 0)
    return `vulnerability DB ${dbPath}: empty (run \`vigil db update\` or \`vigil db import\`)\n`;
  const head = ['feed', 'records', 'rows', 'data date', 'imported'];
  const body = families.map((f) => [
    f.parts > 1 ? `${f.feed} (${f.parts})` : f.feed,
    String(f.records),
    String(f.rows),
    f.dataDate?.slice(0, 10) ?? '-',
    f.importedAt.slice(0, 16).replace('T', ' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [`vulnerability DB ${dbPath}`, line(head), ...body.map(line)];
  const stale = families.filter((f) => f.stale);
  if (stale.length > 0) {
    const oldest = Math.min(...stale.map((f) => plausible(f.dataDate) ?? Date.parse(f.importedAt)));
    const days = Math.floor((now.getTime() - oldest) / DAY);
    out.push(
      `WARNING: data older than ${STALE_AFTER_DAYS} days (${stale.map((f) => f.feed).join(', ')}; oldest ${days} days): ` +
        'run `vigil db update` (or `vigil db import` offline)',
    );
  }
  return out.join('\n') + '\n';
}
