import { isObject } from '../common/json-shape.js';

/**
 * NVD's API 2.0 pages its results (`startIndex`, `resultsPerPage`, `totalResults`): from the first page
 * and its URL, the URLs of the remaining pages (the same query with the next `startIndex` values).
 */
export function nvdNextPageUrls(firstPage: unknown, url: string): string[] {
  if (!isObject(firstPage)) return [];
  const total = Number(firstPage['totalResults']);
  const per = Number(firstPage['resultsPerPage']);
  const start = Number(firstPage['startIndex'] ?? 0);
  if (!Number.isFinite(total) || !Number.isFinite(per) || per <= 0) return [];
  const out: string[] = [];
  for (let next = start + per; next < total; next += per) {
    const u = new URL(url);
    u.searchParams.set('startIndex', String(next));
    u.searchParams.set('resultsPerPage', String(per));
    out.push(u.toString());
  }
  return out;
}

/** NVD's published rate limits: 5 requests / 30 s without an API key, 50 / 30 s with one. */
export function nvdPageDelayMs(apiKey: string | undefined): number {
  return apiKey ? 700 : 6500;
}
