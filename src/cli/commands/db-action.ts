import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { batchesForPaths } from '../../feeds/feed-import.js';
import { defaultFeedConfigPath, downloadFeeds, readFeedConfig } from '../../feeds/feed-update.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { formatStatus, summarizeStatus } from '../../vulndb/db-status-report.js';
import { defaultDbPath, ensureVulnDb } from '../../vulndb/default-db.js';
import { readManifest, shippedSnapshotDir } from '../../vulndb/snapshot-load.js';
import type { ChangeSet, FeedBatch } from '../../vulndb/import-types.js';
import { openVulnDb, type VulnDb } from '../../vulndb/vuln-db.js';
import type { CliIo } from '../cli-io.js';
import { progressReporter } from '../progress-reporter.js';

export interface DbOpts {
  db?: string;
}

/** `vigil db import PATHS…`: feed files recognized by name and content, imported offline. */
export async function runDbImport(
  io: CliIo,
  paths: string[],
  opts: DbOpts & { feed?: string },
): Promise<void> {
  const batches = await batchesForPaths(paths, opts.feed);
  await runImport(io, opts, batches);
}

/** `vigil db update`: download the feeds from their publishers, then import them. */
export async function runDbUpdate(
  io: CliIo,
  opts: DbOpts & { source?: string[]; url?: string[]; config?: string },
): Promise<void> {
  const urls = {
    ...readFeedConfig(opts.config ?? defaultFeedConfigPath()),
    ...parseUrls(opts.url ?? []),
  };
  const progress = ttyLine(io);
  const dl = await downloadFeeds({
    ...(opts.source ? { sources: opts.source } : {}),
    urls,
    onDownload: (url) => progress(`downloading ${url}`),
  });
  try {
    await runImport(io, opts, dl.batches);
  } finally {
    await dl.cleanup();
  }
}

/** `vigil db status`: feeds, counts and dates of the vulnerability DB. */
export async function runDbStatus(io: CliIo, opts: DbOpts & { json?: boolean }): Promise<void> {
  const vdb = await openDb(opts, io);
  try {
    const now = new Date();
    const families = summarizeStatus(await vdb.status(), now);
    io.stdout.write(
      opts.json
        ? JSON.stringify({ db: vdb.path, feeds: families }, null, 2) + '\n'
        : formatStatus(families, vdb.path, now),
    );
  } finally {
    await vdb.close();
  }
}

/** An explicit --db is used as given; the default DB is seeded from the shipped snapshot on first use. */
async function openDb(opts: DbOpts, io?: CliIo): Promise<VulnDb> {
  if (opts.db !== undefined) return openVulnDb(opts.db);
  if (!io?.stderr.isTTY || !existsSync(join(shippedSnapshotDir(), 'manifest.json')))
    return ensureVulnDb(defaultDbPath());
  // A bar over the snapshot's rows (known from its manifest); only drawn if the DB is new.
  const tables = Object.values(readManifest(shippedSnapshotDir()).tables);
  const bar = await progressReporter(
    io.stderr,
    'loading vulnerability data',
    tables.reduce((n, t) => n + t.rows, 0),
  );
  const done = new Map<string, number>();
  try {
    return await ensureVulnDb(defaultDbPath(), {
      onProgress: (table, rows) => {
        done.set(table, rows);
        bar.onProgress?.(
          [...done.values()].reduce((a, b) => a + b, 0),
          0,
          table,
        );
      },
    });
  } finally {
    bar.stop();
  }
}

async function runImport(io: CliIo, opts: DbOpts, batches: FeedBatch[]): Promise<void> {
  const vdb = await openDb(opts, io);
  const progress = ttyLine(io);
  try {
    const change = await vdb.import(batches, {
      onProgress: (feed, n) => progress(`importing ${feed}: ${n} items`),
    });
    progress('');
    io.stdout.write(formatChange(change));
  } finally {
    progress('');
    await vdb.close();
  }
}

function formatChange(c: ChangeSet): string {
  const lines = [
    `imported ${c.feeds.length} feed input(s): ${c.new.length} new, ${c.updated.length} updated, ` +
      `${c.withdrawn.length} withdrawn, ${c.skipped} unchanged or older, ${c.invalid.count} invalid`,
    `  stored: ${c.counts.records} records, ${c.counts.affectedRows} affected rows, ${c.counts.cvss} CVSS, ` +
      `${c.counts.kev} KEV, ${c.counts.epss} EPSS`,
  ];
  for (const [reason, n] of Object.entries(c.invalid.reasons)) lines.push(`  invalid: ${n} × ${reason}`);
  for (const [reason, n] of Object.entries(c.skippedParts)) lines.push(`  skipped parts: ${n} × ${reason}`);
  if (c.kevAdded.length > 0) lines.push(`  newly in KEV: ${c.kevAdded.length}`);
  if (c.keys.length > 0) lines.push(`  packages to re-match: ${c.keys.length} (ecosystem, name) keys`);
  return lines.join('\n') + '\n';
}

function parseUrls(specs: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--url wants NAME=URL, got ${spec}`);
    const name = spec.slice(0, eq);
    (out[name] ??= []).push(spec.slice(eq + 1));
  }
  return out;
}

/** One rewritten status line on stderr when it is a terminal; nothing otherwise (logs stay clean). */
function ttyLine(io: CliIo): (text: string) => void {
  if (!io.stderr.isTTY) return () => undefined;
  return (text) => io.stderr.write(`\r\x1b[2K${text.slice(0, 120)}`);
}
