import { CHECK_STATUSES, type AssessmentSummary, type CheckStatus } from '../model/check-result.js';

/** One colour per status, readable in print (grey scale keeps them apart by lightness too). */
export const STATUS_COLOURS: Record<CheckStatus, string> = {
  FAILED: '#c0392b',
  ERROR: '#8e44ad',
  SKIPPED: '#d4a017',
  NOT_APPLICABLE: '#95a5a6',
  PASSED: '#2e8b57',
};

export const STATUS_LABELS: Record<CheckStatus, string> = {
  FAILED: 'Failed',
  ERROR: 'Error',
  SKIPPED: 'Skipped',
  NOT_APPLICABLE: 'Not applicable',
  PASSED: 'Passed',
};

/**
 * The summary chart as inline SVG: one stacked bar of the statuses and a legend with counts. SVG, not a
 * chart library, because the page must render with JavaScript off (the PDF printer disables it) and
 * print sharply at any size.
 */
export function summaryChartSvg(summary: AssessmentSummary, width = 640): string {
  const barY = 8;
  const barH = 28;
  const parts: string[] = [];
  let x = 0;
  for (const s of CHECK_STATUSES) {
    const n = summary.counts[s];
    if (n === 0 || summary.total === 0) continue;
    const w = (n / summary.total) * width;
    parts.push(
      `<rect x="${x.toFixed(2)}" y="${barY}" width="${w.toFixed(2)}" height="${barH}" fill="${STATUS_COLOURS[s]}"><title>${STATUS_LABELS[s]}: ${n}</title></rect>`,
    );
    x += w;
  }
  if (summary.total === 0)
    parts.push(`<rect x="0" y="${barY}" width="${width}" height="${barH}" fill="#eee"/>`);
  const legendY = barY + barH + 22;
  const slot = width / CHECK_STATUSES.length;
  CHECK_STATUSES.forEach((s, i) => {
    const lx = i * slot;
    parts.push(
      `<rect x="${lx}" y="${legendY - 11}" width="12" height="12" fill="${STATUS_COLOURS[s]}"/>`,
      `<text x="${lx + 17}" y="${legendY}" font-size="12">${STATUS_LABELS[s]} ${summary.counts[s]}</text>`,
    );
  });
  const height = legendY + 8;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${summaryText(summary)}" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`
  );
}

export function summaryText(summary: AssessmentSummary): string {
  return `${summary.total} checks: ${CHECK_STATUSES.map((s) => `${summary.counts[s]} ${STATUS_LABELS[s].toLowerCase()}`).join(', ')}`;
}
