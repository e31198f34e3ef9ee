import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { jsonErrorReason } from '../../core/json-error-reason.js';
import type { FeedBatch, FeedItem } from '../../vulndb/import-types.js';
import { FeedFormatError } from '../feed-format-error.js';
import { TRACKER_LIST_FEED, transformCveList } from './cve-list-transform.js';
import { TRACKER_FEED, transformTrackerJson } from './tracker-json-transform.js';

/** Reads the whole input: the tracker's JSON is one document (about 80 MB), not a stream of records. */
export async function readTrackerText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** `tracker/data/json` or `data/CVE/list`, told apart by content. */
export function trackerBatch(text: string, dataDate?: string): FeedBatch {
  const isJson = text.trimStart().startsWith('{');
  return { feed: isJson ? TRACKER_FEED : TRACKER_LIST_FEED, items: trackerItems(text, isJson, dataDate) };
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator so parse errors surface inside the import transaction
async function* trackerItems(text: string, isJson: boolean, dataDate?: string): AsyncGenerator<FeedItem> {
  if (!isJson) {
    yield* transformCveList(text, dataDate);
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FeedFormatError(TRACKER_FEED, jsonErrorReason(err));
  }
  yield* transformTrackerJson(doc, dataDate);
}

export async function trackerFeed(path: string, dataDate?: string): Promise<FeedBatch> {
  return trackerBatch(await readTrackerText(path), dataDate);
}
