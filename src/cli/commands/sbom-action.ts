import { stat, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { appendAll } from '../../core/append-all.js';
import { CATALOGERS } from '../../catalog/cataloger-registry.js';
import { ScanTargetError } from '../../core/errors/scan-target-error.js';
import type { Inventory, InventorySource } from '../../core/inventory.js';
import { sbomFormat } from '../../reports/formats/sbom/sbom-formats.js';
import { summaryLine, unknownLines } from '../../reports/formats/sbom/table-writer.js';
import { buildInventory } from '../../catalog/inventory-builder.js';
import { DirectoryResolver, HOST_EXCLUDES } from '../../source/directory/directory-resolver.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { imageOptionsFrom, type ImageCliFlags } from '../image-options.js';
import type { CliIo } from '../cli-io.js';
import { writeOutput } from '../output-target.js';
import { progressReporter } from '../progress-reporter.js';
import { collectGarbage } from '../collect-garbage.js';

export interface SbomOptions {
  format: string;
  output?: string;
  /** In-root globs never walked nor read, added to the host's defaults. */
  exclude?: string[];
}

/** How many unknowns the stderr summary names before pointing at the document for the rest. */
const STDERR_UNKNOWNS = 20;

export async function runSbom(
  path: string,
  opts: SbomOptions,
  io: CliIo,
  toolVersion: string,
  image?: { ref: string; flags: ImageCliFlags },
): Promise<void> {
  // Usage errors before any work: a typo in --format must not cost a full scan.
  const format = sbomFormat(opts.format);
  const exclude = (opts.exclude ?? []).map((g) => g.replace(/^\/+/, ''));
  if (image) {
    if (path !== 'image')
      throw new UsageError(`unexpected argument ${image.ref} (did you mean: vigil sbom image REF?)`);
    if (exclude.length > 0) throw new UsageError('--exclude applies to directories and hosts, not images');
    const { inventoryImage } = await import('../../catalog/image-inventory.js');
    const inventory = await inventoryImage(
      image.ref,
      imageOptionsFrom(image.flags, (t) => io.stderr.write(t)),
    );
    const writer = await format.load();
    await writeOutput(io, writer.write(inventory, { toolName: 'vigil', toolVersion }), opts.output);
    reportSummary(io, inventory);
    return;
  }
  const inventory = await inventoryOf(await directoryOf(path), exclude, io);
  // The walk's and the parsers' garbage goes before the document is built on top of the inventory.
  collectGarbage();
  const writer = await format.load();
  const ctx = { toolName: 'vigil', toolVersion };
  await writeOutput(
    io,
    writer.chunks ? writer.chunks(inventory, ctx) : writer.write(inventory, ctx),
    opts.output,
  );
  reportSummary(io, inventory);
}

/** In a function of its own so the resolver (its caches, its lists) is garbage once this returns. */
async function inventoryOf(root: string, exclude: readonly string[], io: CliIo): Promise<Inventory> {
  const isHost = root === '/';
  const excluded = [...(isHost ? HOST_EXCLUDES : []), ...exclude];
  const resolver = new DirectoryResolver(root, excluded.length > 0 ? { exclude: excluded } : {});
  const source: InventorySource = isHost
    ? { type: 'host', target: hostname() }
    : { type: 'directory', target: root };
  const progress = await progressReporter(io.stderr, 'cataloging', CATALOGERS.length);
  try {
    return await buildInventory(
      resolver,
      source,
      progress.onProgress ? { onProgress: progress.onProgress } : {},
    );
  } finally {
    progress.stop();
  }
}

async function directoryOf(path: string): Promise<string> {
  let real: string;
  let isDir: boolean;
  try {
    real = await realpath(path);
    isDir = (await stat(real)).isDirectory();
  } catch (err) {
    throw new ScanTargetError(path, (err as NodeJS.ErrnoException).code ?? 'cannot resolve path');
  }
  if (!isDir) throw new ScanTargetError(path, 'not a directory');
  return real;
}

/** Unknowns are never fatal, but they are never silent either: they go to stderr whatever the format. */
function reportSummary(io: CliIo, inventory: Inventory): void {
  const lines = [`vigil sbom: ${summaryLine(inventory)}`];
  if (inventory.unknowns.length > 0) {
    appendAll(
      lines,
      unknownLines(inventory.unknowns.slice(0, STDERR_UNKNOWNS)).map((l) => `  ${l}`),
    );
    const more = inventory.unknowns.length - STDERR_UNKNOWNS;
    if (more > 0) lines.push(`  … and ${more} more (all are listed in the output document)`);
  }
  io.stderr.write(lines.join('\n') + '\n');
}
