import { appendAll } from '../../../core/append-all.js';
import type { Inventory } from '../../../core/inventory.js';
import type { Package } from '../../../core/package.js';
import type { Unknown } from '../../../core/unknown.js';
import type { SbomWriter } from './sbom-writer.js';

/** Fits a terminal of 100 columns; long values are cut with an ellipsis instead of wrapping. */
export const TABLE_WIDTH = 100;
const NAME_W = 28;
const VERSION_W = 22;
const TYPE_W = 8;
const GAP = '  ';
const WHERE_W = TABLE_WIDTH - NAME_W - VERSION_W - TYPE_W - 3 * GAP.length;

/** A table for people: packages, then a summary line, then every unknown with its reason. */
export const tableWriter: SbomWriter = {
  name: 'table',
  description: 'human-readable table (100 columns)',
  mediaType: 'text/plain',
  write(inventory) {
    const lines: string[] = [heading(inventory), ''];
    lines.push(row('NAME', 'VERSION', 'TYPE', 'FOUND BY / PATH'));
    for (const p of sortPackages(inventory.packages)) {
      lines.push(row(p.name, p.version, p.ecosystem, where(p)));
    }
    lines.push('', summaryLine(inventory));
    if (inventory.unknowns.length > 0) appendAll(lines, ['', ...unknownLines(inventory.unknowns)]);
    return lines.join('\n') + '\n';
  },
};

function heading(inv: Inventory): string {
  const os = inv.os ? ` · ${inv.os.prettyName ?? `${inv.os.id} ${inv.os.versionId ?? ''}`.trim()}` : '';
  const eol = inv.os?.eol ? ' (end of life)' : '';
  return cutEnd(`Inventory of ${inv.source.type} ${inv.source.target}${os}${eol}`, TABLE_WIDTH);
}

/** `123 packages (deb 120, npm 3), 2 unknowns`: also printed on stderr by `vigil sbom`. */
export function summaryLine(inv: Inventory): string {
  const byType = new Map<string, number>();
  for (const p of inv.packages) byType.set(p.ecosystem, (byType.get(p.ecosystem) ?? 0) + 1);
  const types = [...byType.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const pk = `${inv.packages.length} package${inv.packages.length === 1 ? '' : 's'}`;
  const un = `${inv.unknowns.length} unknown${inv.unknowns.length === 1 ? '' : 's'}`;
  return `${pk}${types ? ` (${types})` : ''}, ${un}`;
}

export function unknownLines(unknowns: readonly Unknown[]): string[] {
  const reasonW = Math.max(6, ...unknowns.map((u) => u.reason.length));
  const out = [`${pad('REASON', reasonW)}${GAP}UNKNOWN PATH (DETAIL)`];
  for (const u of unknowns) {
    const rest = `${u.path}${u.detail ? ` (${u.detail})` : ''}`;
    out.push(`${pad(u.reason, reasonW)}${GAP}${cutEnd(rest, TABLE_WIDTH - reasonW - GAP.length)}`);
  }
  return out;
}

function sortPackages(pkgs: readonly Package[]): Package[] {
  return [...pkgs].sort(
    (a, b) =>
      a.ecosystem.localeCompare(b.ecosystem) ||
      a.name.localeCompare(b.name) ||
      a.version.localeCompare(b.version) ||
      a.filePath.localeCompare(b.filePath),
  );
}

/** The cataloger name whole, then as much of the path as fits. */
function where(p: Package): string {
  return `${p.foundBy} ${cutStart(p.filePath, Math.max(8, WHERE_W - p.foundBy.length - 1))}`;
}

function row(name: string, version: string, type: string, where: string): string {
  return [
    pad(cutEnd(name, NAME_W), NAME_W),
    pad(cutEnd(version, VERSION_W), VERSION_W),
    pad(cutEnd(type, TYPE_W), TYPE_W),
    cutEnd(where, WHERE_W),
  ]
    .join(GAP)
    .trimEnd();
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function cutEnd(s: string, w: number): string {
  return s.length <= w ? s : s.slice(0, w - 1) + '…';
}

/** Paths are cut at the front: the file name at the end says more than the first directories. */
function cutStart(s: string, w: number): string {
  return s.length <= w ? s : '…' + s.slice(s.length - w + 1);
}
