import { realpath, stat } from 'node:fs/promises';
import { CATALOGERS } from '../../catalog/cataloger-registry.js';
import { ScanTargetError } from '../../core/errors/scan-target-error.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { isSeverity, type Severity } from '../../risk/severity-band.js';
import { findingsFormat } from '../../reports/formats/findings/findings-format-registry.js';
import type { FindingsReport } from '../../reports/formats/findings/findings-report.js';
import { atOrAbove, filterFindings } from '../../findings/ignore/finding-filter.js';
import { loadIgnoreFile, type IgnoreRule } from '../../findings/ignore/ignore-rules.js';
import { scanTarget, type ScanResult, type ScanTarget } from '../../scan/scan-service.js';
import { readSbomInventory } from '../../catalog/sbom-input/sbom-inventory.js';
import { openScanDb } from '../../vulndb/scan-db.js';
import type { VexSourceDocument } from '../../findings/vex/vex-matcher.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output-target.js';
import { progressReporter } from '../progress-reporter.js';
import type * as ScanVexModule from './scan-vex.js';

/** Loaded only with --vex: the VEX parsers bring the CycloneDX schema validator. */
const vexModule = (): Promise<typeof ScanVexModule> => import('./scan-vex.js');

export interface ScanCliOptions {
  format: string;
  output?: string;
  severity?: string;
  failOn?: string;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  db?: string;
  vex?: string[];
}

/** `vigil scan sbom FILE`: the format is checked (exit 2) before the file is read. */
export async function runSbomFileScan(
  file: string,
  opts: ScanCliOptions,
  io: CliIo,
  version: string,
): Promise<void> {
  findingsFormat(opts.format);
  await runScan({ kind: 'inventory', inventory: await readSbomInventory(file) }, opts, io, version);
}

interface ParsedOptions {
  severities: Severity[];
  failOn?: Severity;
  rules: IgnoreRule[];
  vex: VexSourceDocument[];
}

/** Every flag is checked before the scan: a typo must not cost a full scan. */
async function parseOptions(opts: ScanCliOptions): Promise<ParsedOptions> {
  findingsFormat(opts.format);
  const severities = (opts.severity ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const s of severities)
    if (!isSeverity(s)) throw new UsageError(`unknown severity "${s}" in --severity`);
  const failOn = opts.failOn?.trim().toUpperCase();
  if (failOn !== undefined && !isSeverity(failOn))
    throw new UsageError(`unknown severity "${opts.failOn}" in --fail-on`);
  const rules = opts.ignoreFile ? await loadIgnoreFile(opts.ignoreFile) : [];
  const vex = opts.vex?.length ? await (await vexModule()).loadVexFiles(opts.vex) : [];
  return { severities: severities as Severity[], ...(failOn ? { failOn } : {}), rules, vex };
}

export async function runScan(
  target: ScanTarget,
  opts: ScanCliOptions,
  io: CliIo,
  version: string,
): Promise<void> {
  const parsed = await parseOptions(opts);
  const db = await openScanDb(opts.db);
  const progress = await progressReporter(io.stderr, 'scanning', CATALOGERS.length);
  let result: ScanResult;
  try {
    const inventory = progress.onProgress ? { onProgress: progress.onProgress } : {};
    result = await scanTarget(target, { store: db.store, inventory });
  } finally {
    progress.stop();
    await db.close();
  }
  const now = new Date();
  const view = filterFindings(result.findings, {
    severities: parsed.severities,
    ignoreUnfixed: opts.ignoreUnfixed === true,
    ignoreRules: parsed.rules,
    now,
  });
  if (parsed.vex.length) (await vexModule()).applyVexFiles(view.findings, parsed.vex);
  for (const r of view.expired) {
    io.stderr.write(`vigil: warning: ignore rule ${r.id} expired on ${r.expires ?? '?'}; not applied\n`);
  }
  const report: FindingsReport = {
    tool: { name: 'vigil', version },
    target: result.inventory.source.target,
    targetType: result.inventory.source.type,
    ...(result.inventory.os ? { os: result.inventory.os } : {}),
    createdAt: result.finishedAt,
    packageCount: result.inventory.packages.length,
    findings: view.findings,
    ignored: view.applied,
    notes: result.notes,
  };
  await writeOutput(io, findingsFormat(opts.format).render(report), opts.output);
  if (opts.format !== 'table' || opts.output) {
    io.stderr.write(`vigil scan: ${view.findings.length} findings in ${report.packageCount} packages\n`);
  }
  // A finding a VEX statement suppresses is shown (marked) but never fails the build.
  const open = view.findings.filter((f) => f.status !== 'SUPPRESSED');
  if (parsed.failOn && atOrAbove(open, parsed.failOn).length > 0) io.exitCode = EXIT.FINDINGS;
}

export async function directoryOf(path: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new ScanTargetError(path, (err as NodeJS.ErrnoException).code ?? 'cannot resolve path');
  }
  if (!(await stat(real)).isDirectory()) throw new ScanTargetError(path, 'not a directory');
  return real;
}
