import { Cron } from 'croner';
import { UsageError } from '../core/errors/usage-error.js';
import { defaultFeedConfigPath, downloadFeeds, readFeedConfig } from '../feeds/feed-update.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** A cron pattern croner accepts (5 fields, or 6 with seconds); anything else is a usage error. */
export function checkUpdateCron(pattern: string): string {
  try {
    new Cron(pattern, { paused: true }).stop();
    return pattern;
  } catch (err) {
    throw new UsageError(`--update-cron: not a cron pattern: ${pattern} (${String(err)})`, { pattern });
  }
}

/**
 * `vigil server --update-cron PATTERN`: runs `db update` on the server's own vulnerability DB on that
 * schedule — the feeds (`--update-source`, default those `db update` takes) downloaded from the URLs of
 * the feed config (`--update-config`, default $XDG_CONFIG_HOME/vigil/feeds.json) or their publishers,
 * then imported in one transaction. The re-match job picks the import up from the DB's log like any
 * other. Runs never overlap (a slow update makes the next tick a no-op); a failure is logged and the
 * DB keeps serving its data.
 */
export function createVulnDbUpdateTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let cron: Cron | undefined;
  let running: Promise<void> | undefined;
  const once = async (): Promise<void> => {
    const vulnDb = ctx.vulnDb;
    if (!vulnDb) return;
    const urls = readFeedConfig(ctx.config.updateConfigFile ?? defaultFeedConfigPath());
    const sources = ctx.config.updateSources;
    const dl = await downloadFeeds({ ...(sources ? { sources } : {}), urls });
    try {
      await vulnDb.import(dl.batches);
    } finally {
      await dl.cleanup();
    }
  };
  const tick = (): void => {
    if (running) return;
    running = once()
      .catch((err: unknown) => log.error({ err }, 'scheduled vulnerability DB update failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name: 'vulndb-update',
    start() {
      const pattern = ctx.config.updateCron;
      if (pattern && !cron) cron = new Cron(pattern, tick);
    },
    async stop() {
      cron?.stop();
      cron = undefined;
      await running;
    },
    async runOnce() {
      while (running) await running;
      await once();
    },
  };
}
