import type { Command } from 'commander';
import { addImageFlags, imageOptionsFrom, type ImageCliFlags } from '../image-options.js';
import type { CliIo } from '../cli-io.js';
import type * as ScanActionModule from './scan-action.js';
import type { ScanCliOptions } from './scan-action.js';

type ScanActions = typeof ScanActionModule;

/**
 * `vigil scan fs PATH`, `vigil scan image REF` and `vigil scan host`: findings for a root filesystem, an
 * image or this machine. Only flags and help live here; the scan service loads when a scan runs.
 */
export function registerScanCommand(program: Command, io: CliIo): void {
  const scan = program.command('scan').description('find vulnerabilities in a root filesystem or this host');
  const version = program.version() ?? '0.0.0';
  const action = (): Promise<ScanActions> => import('./scan-action.js');
  withScanOptions(
    scan
      .command('fs')
      .description('scan a directory that stands for / (a rootfs, an unpacked image)')
      .argument('<path>', 'directory to treat as /'),
  ).action(async (path: string, opts: ScanCliOptions) => {
    const { runScan, directoryOf } = await action();
    await runScan({ kind: 'directory', path: await directoryOf(path) }, opts, io, version);
  });
  withScanOptions(
    addImageFlags(scan.command('image'))
      .description('scan a container image: REGISTRY/NAME[:TAG|@DIGEST], docker-archive:PATH, oci:DIR[:TAG]')
      .argument('<ref>', 'image reference'),
  ).action(async (ref: string, opts: ScanCliOptions & ImageCliFlags) => {
    const { runScan } = await action();
    await runScan(
      { kind: 'image', ref, options: imageOptionsFrom(opts, (t) => io.stderr.write(t)) },
      opts,
      io,
      version,
    );
  });
  withScanOptions(
    scan.command('host').description('scan this machine (/ without /proc, /sys, /dev, /run, /tmp, …)'),
  ).action(async (opts: ScanCliOptions) => {
    const { runScan } = await action();
    await runScan({ kind: 'host' }, opts, io, version);
  });
  withScanOptions(
    scan
      .command('sbom')
      .description('scan the packages (purls) of a CycloneDX 1.2–1.6 or SPDX 2.2/2.3 JSON SBOM')
      .argument('<file>', 'SBOM file'),
  ).action(async (file: string, opts: ScanCliOptions) => {
    const { runSbomFileScan } = await action();
    await runSbomFileScan(file, opts, io, version);
  });
}

function withScanOptions(cmd: Command): Command {
  return cmd
    .option('-f, --format <format>', 'table, json, sarif, cyclonedx or csv', 'table')
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .option('--severity <list>', 'show only these severities, comma-separated (e.g. CRITICAL,HIGH)')
    .option('--fail-on <severity>', 'exit 3 when a finding at or above SEVERITY is shown')
    .option('--ignore-unfixed', 'hide findings that have no fixed version yet')
    .option(
      '--ignore-file <file>',
      'YAML rules (vulnerability, package, path; reason; expires) hiding findings',
    )
    .option('--db <file>', 'vulnerability DB file (default: the user DB, created from the shipped snapshot)')
    .option(
      '--vex <file>',
      'OpenVEX or CycloneDX VEX document: not_affected/fixed statements mark findings suppressed (repeatable)',
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    );
}
