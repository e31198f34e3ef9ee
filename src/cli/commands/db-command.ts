import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { DbOpts } from './db-action.js';

/**
 * `vigil db import|update|status`: the vulnerability DB's data, offline and online. Only flags and help
 * live here; the feeds and the DB load when a subcommand runs (db-action.ts).
 */
export function registerDbCommand(program: Command, io: CliIo): void {
  const db = program.command('db').description('vulnerability database: import, update, status');
  db.command('import')
    .description('import feed files or directories (offline); the format is recognized from name and content')
    .argument(
      '<paths...>',
      'OSV dir/zip/jsonl(.gz), tracker json or CVE/list, secdb json/tar.gz, CVE5, NVD, KEV, EPSS',
    )
    .option('--db <file>', 'vulnerability DB file (default: $VIGIL_DB or ~/.cache/vigil/vulndb.sqlite)')
    .option('--feed <name>', 'treat every path as this feed instead of recognizing it')
    .action(async (paths: string[], opts: DbOpts & { feed?: string }) => {
      await (await import('./db-action.js')).runDbImport(io, paths, opts);
    });
  db.command('update')
    .description('download the feeds from their publishers and import them (needs network)')
    .option('--db <file>', 'vulnerability DB file')
    .option('--source <names...>', 'feeds to update (default: osv, debian-tracker, alpine-secdb, kev, epss)')
    .option('--url <name=url...>', 'download URL for a feed, replacing its defaults (repeatable)')
    .option('--config <file>', 'feed URL config JSON (default: $XDG_CONFIG_HOME/vigil/feeds.json)')
    .action(async (opts: DbOpts & { source?: string[]; url?: string[]; config?: string }) => {
      await (await import('./db-action.js')).runDbUpdate(io, opts);
    });
  db.command('status')
    .description('feeds, record counts, data and import dates; warns when data is older than 7 days')
    .option('--db <file>', 'vulnerability DB file')
    .option('--json', 'machine-readable output')
    .action(async (opts: DbOpts & { json?: boolean }) => {
      await (await import('./db-action.js')).runDbStatus(io, opts);
    });
}
