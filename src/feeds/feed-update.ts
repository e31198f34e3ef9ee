import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { appendAll } from '../core/append-all.js';
import { jsonErrorReason, printable } from '../core/json-error-reason.js';
import { openNamed } from './feed-input-errors.js';
import { UsageError } from '../core/errors/usage-error.js';
import type { FeedBatch } from '../vulndb/import-types.js';
import { readJsonDocument } from './common/jsonl-feed.js';
import { FEEDS, feedByName, type FeedDefinition } from './feed-registry.js';
import { nvdNextPageUrls, nvdPageDelayMs } from './nvd/nvd-pages.js';
import { FeedUnreachableError } from './feed-unreachable-error.js';

export interface UpdateOptions {
  /** Feed names to update; default: every feed with `updateByDefault`. */
  sources?: readonly string[];
  /** URL overrides per feed (from --url NAME=URL and the config file). */
  urls?: Readonly<Record<string, readonly string[]>>;
  timeoutMs?: number;
  /** Pause between NVD pages (default: NVD's public rate limit, shorter with $NVD_API_KEY). */
  nvdDelayMs?: number;
  onDownload?: (url: string) => void;
}

export interface Downloaded {
  batches: FeedBatch[];
  /** Removes the downloaded files; call after the import finished (the batches stream from them). */
  cleanup(): Promise<void>;
}

/** `$XDG_CONFIG_HOME/vigil/feeds.json`: `{ "feeds": { "kev": { "urls": ["…"] } } }`. */
export function defaultFeedConfigPath(): string {
  return join(process.env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'vigil', 'feeds.json');
}

export function readFeedConfig(path: string): Record<string, string[]> {
  if (!existsSync(path)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`feed config ${path}: ${jsonErrorReason(err)}`);
  }
  const feeds = (doc as { feeds?: Record<string, { urls?: unknown }> }).feeds ?? {};
  const out: Record<string, string[]> = {};
  for (const [name, cfg] of Object.entries(feeds)) {
    if (!feedByName(name)) throw new UsageError(`feed config ${path}: unknown feed ${name}`);
    if (Array.isArray(cfg.urls)) out[name] = cfg.urls.filter((u): u is string => typeof u === 'string');
  }
  return out;
}

export function selectFeeds(sources: readonly string[] | undefined): FeedDefinition[] {
  if (!sources || sources.length === 0) return FEEDS.filter((f) => f.updateByDefault);
  return sources.map((name) => {
    const f = feedByName(name);
    if (!f) throw new UsageError(`unknown feed ${name}; known: ${FEEDS.map((x) => x.name).join(', ')}`);
    return f;
  });
}

/**
 * Downloads every selected feed first, then opens them: the import that follows runs in one
 * transaction, so a feed that cannot be fetched leaves the DB exactly as it was.
 */
export async function downloadFeeds(opts: UpdateOptions = {}): Promise<Downloaded> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-update-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const batches: FeedBatch[] = [];
    let n = 0;
    for (const feed of selectFeeds(opts.sources)) {
      const urls = opts.urls?.[feed.name] ?? feed.urls;
      if (urls.length === 0)
        throw new UsageError(`feed ${feed.name} has no download URL; give one with --url ${feed.name}=URL`);
      const queue = [...urls];
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        opts.onDownload?.(url);
        const file = join(dir, `${n++}-${fileNameOf(url)}`);
        const lastModified = await download(url, file, opts.timeoutMs ?? 300_000);
        appendAll(batches, await openNamed(url, () => feed.open(file, { url, dataDate: lastModified })));
        if (feed.name === 'nvd' && urls.includes(url)) {
          // The next pages go first (as unshift would), without spreading a count the server chose.
          const rest = queue.splice(0);
          appendAll(appendAll(queue, nvdNextPageUrls(await readJsonDocument(file, feed.name), url)), rest);
        }
        if (feed.name === 'nvd' && queue.length > 0)
          await sleep(opts.nvdDelayMs ?? envDelay() ?? nvdPageDelayMs(nvdApiKey()));
      }
    }
    return { batches, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function fileNameOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${printable(url)}`);
  }
  const last = parsed.pathname.split('/').pop() || 'download';
  return decodeURIComponent(last).replace(/[^\w.-]/g, '_');
}

/** Streams `url` to `file`; returns the server's Last-Modified as ISO, else now. */
async function download(url: string, file: string, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'vigil-db-update' },
    });
  } catch (err) {
    throw new FeedUnreachableError(url, networkReason(err));
  }
  if (!res.ok || !res.body) throw new FeedUnreachableError(url, `HTTP ${res.status} ${res.statusText}`);
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(file));
  const lm = res.headers.get('last-modified');
  const t = lm ? Date.parse(lm) : NaN;
  return new Date(Number.isNaN(t) ? Date.now() : t).toISOString();
}

/** VIGIL_NVD_DELAY_MS: for mirrors without NVD's rate limit (and tests against a local server). */
function envDelay(): number | undefined {
  const v = Number(process.env['VIGIL_NVD_DELAY_MS']);
  return process.env['VIGIL_NVD_DELAY_MS'] !== undefined && Number.isFinite(v) ? v : undefined;
}

function nvdApiKey(): string | undefined {
  return process.env['NVD_API_KEY'] || undefined;
}

function networkReason(err: unknown): string {
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const cause = (err as { cause?: Cause }).cause;
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code) return `network error ${code}`;
  return cause?.message ?? (err as Error).message;
}
