/** One row of a benchmark table: a workload measured for vigil and for the tool it is compared with. */
export interface BenchRow {
  workload: string;
  /** cpuMs: user + system CPU time, where measured (the table shows the column when any row has it). */
  results: { tool: string; wallMs: number; peakRssKb: number; cpuMs?: number; note?: string }[];
  /** Why the row is missing or partial (fixture unavailable, tool missing); printed instead of figures. */
  skipped?: string;
}

export interface BenchReport {
  title: string;
  rows: BenchRow[];
  notes: string[];
}

export interface BenchOptions {
  /** Runs per measurement; the median is reported. */
  runs: number;
}

/** A benchmark of one capability; bench-main runs the suites it lists, in order. */
export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(opts: BenchOptions): Promise<BenchReport>;
}
