import { ReportTooLargeError } from './report-too-large-error.js';
import { MAX_REPORT_BYTES } from './report-types.js';

/**
 * Collects a report's text page by page and refuses to grow past the limit: the content ends up in one
 * row, so this is the only place a whole report is held, and it is held once.
 */
export class ReportContentBuilder {
  private readonly chunks: string[] = [];
  private bytes = 0;

  constructor(private readonly limitBytes: number = MAX_REPORT_BYTES) {}

  append(text: string): void {
    this.bytes += Buffer.byteLength(text, 'utf8');
    if (this.bytes > this.limitBytes) throw new ReportTooLargeError(this.limitBytes);
    this.chunks.push(text);
  }

  get size(): number {
    return this.bytes;
  }

  build(): string {
    return this.chunks.join('');
  }
}
