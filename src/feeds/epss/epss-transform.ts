import type { FeedItem } from '../../vulndb/import-types.js';
import { FeedFormatError } from '../feed-format-error.js';

export const EPSS_FEED = 'epss';

/**
 * FIRST's EPSS CSV, line by line. FIRST's files start with `#model_version:…,score_date:…`; copies
 * often drop it. Gate: the header must be `cve,epss,percentile` (a changed column set is refused).
 */
export class EpssCsvTransform {
  private headerSeen = false;
  private scoreDate: string | undefined;

  line(text: string): FeedItem[] {
    const line = text.trim();
    if (line === '') return [];
    if (line.startsWith('#')) return this.comment(line);
    if (!this.headerSeen) {
      if (line.toLowerCase().replace(/\s/g, '') !== 'cve,epss,percentile') {
        // The line is not quoted back: it is whatever bytes the file holds.
        throw new FeedFormatError(EPSS_FEED, 'the first line is not the CSV header cve,epss,percentile');
      }
      this.headerSeen = true;
      return [];
    }
    const [cve, epss, percentile] = line.split(',');
    const score = Number(epss);
    const pct = Number(percentile);
    if (!cve || !/^CVE-\d{4}-\d+$/.test(cve) || !isProbability(score) || !isProbability(pct)) {
      return [{ kind: 'invalid', reason: 'EPSS line not cve,score,percentile' }];
    }
    return [
      {
        kind: 'epss',
        entry: { cveId: cve, score, percentile: pct, ...(this.scoreDate ? { date: this.scoreDate } : {}) },
      },
    ];
  }

  private comment(line: string): FeedItem[] {
    const m = /score_date:([0-9T:+\-.Z]+)/.exec(line);
    if (!m?.[1]) return [];
    this.scoreDate = m[1].slice(0, 10);
    return [{ kind: 'data-date', date: m[1] }];
  }
}

function isProbability(n: number): boolean {
  return Number.isFinite(n) && n >= 0 && n <= 1;
}
