import type { BenchReport, BenchRow } from './bench-suite.js';

/** Renders a report: per workload one line per tool, then vigil's figures as a ratio of each other's. */
export function formatReport(report: BenchReport): string {
  const lines: string[] = [report.title, ''];
  const cpu = report.rows.some((r) => r.results.some((x) => Number.isFinite(x.cpuMs)));
  const header = ['workload', 'tool', 'wall (median)', 'peak RSS (median)', 'note'];
  const body: string[][] = [];
  for (const row of report.rows) body.push(...rowLines(row));
  // CPU time (last in each line) goes after wall, and only for suites that measure it.
  header.push('cpu (median)');
  for (const line of [header, ...body]) {
    const cpuCell = line.pop() as string;
    if (cpu) line.splice(3, 0, cpuCell);
  }
  lines.push(...alignColumns([header, ...body]));
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `note: ${n}`));
  return lines.join('\n') + '\n';
}

function rowLines(row: BenchRow): string[][] {
  if (row.skipped) return [[row.workload, '-', '-', '-', `skipped: ${row.skipped}`, '-']];
  const out = row.results.map((r, i) => [
    i === 0 ? row.workload : '',
    r.tool,
    formatMs(r.wallMs),
    formatKb(r.peakRssKb),
    r.note ?? '',
    r.cpuMs === undefined || !Number.isFinite(r.cpuMs) ? '-' : formatMs(r.cpuMs),
  ]);
  const [ours, ...others] = row.results;
  for (const other of ours ? others : []) {
    out.push([
      '',
      `${ours?.tool}/${other.tool}`,
      ratio(ours?.wallMs, other.wallMs),
      ratio(ours?.peakRssKb, other.peakRssKb),
      'ratio (< 1: vigil uses less)',
      other.cpuMs === undefined ? '-' : ratio(ours?.cpuMs, other.cpuMs),
    ]);
  }
  return out;
}

export function ratio(a: number | undefined, b: number): string {
  if (a === undefined || !(b > 0)) return 'n/a';
  return `${(a / b).toFixed(2)}×`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatKb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
