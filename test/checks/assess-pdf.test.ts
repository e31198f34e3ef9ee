import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAssessmentHtml } from '../../src/checks/formats/html-assessment-format.js';
import type { CheckResult } from '../../src/checks/model/check-result.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { requireTool } from '../fixtures/required-tool.js';
import { vigil } from '../matching/fixtures/cli-run.js';

/**
 * `vigil assess … --format pdf`: Chromium prints the HTML report; poppler's pdftotext reads the PDF
 * back, so what the reader sees is compared with the JSON results of the same rootfs.
 */

let rootfs: string;
let work: string;

interface JsonReport {
  summary: { total: number; counts: Record<string, number> };
  results: CheckResult[];
}

const words = (s: string): string => s.replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  requireTool('chromium');
  requireTool('pdftotext');
  requireTool('pdfinfo');
  rootfs = await debianRootfs({ suite: 'bookworm' });
  work = mkdtempSync(join(tmpdir(), 'vigil-assess-pdf-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('vigil assess --format pdf', () => {
  it('prints a PDF whose text holds the summary and every failed check of the JSON results', async () => {
    const json = await vigil('assess', 'fs', rootfs, '--format', 'json');
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as JsonReport;
    const pdf = join(work, 'cis.pdf');
    const run = await vigil('assess', 'fs', rootfs, '--format', 'pdf', '--output', pdf);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBeGreaterThan(1);
    expect(info).toMatch(/^Page size:.*\(A4\)$/m);
    const read = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    const text = words(read);
    // A long id wraps inside its cell (at a hyphen): compared with the line breaks taken out.
    const joined = read.replace(/\s+/g, '');
    const c = report.summary.counts;
    expect(text).toContain(
      `${report.summary.total} checks: ${c['PASSED']} passed, ${c['FAILED']} failed, ${c['SKIPPED']} skipped, ` +
        `${c['NOT_APPLICABLE']} not applicable, ${c['ERROR']} error`,
    );
    const failed = report.results.filter((r) => r.status === 'FAILED');
    expect(failed.length).toBeGreaterThan(20);
    for (const f of failed) expect(joined, f.checkId).toContain(f.checkId);
    expect(text).toContain('Remediation:');
  });

  it('refuses pdf on stdout with a usage error (exit 2), before reading the target', async () => {
    const run = await vigil('assess', 'fs', '/nonexistent-root', '--format', 'pdf');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format pdf needs --output FILE');
  });
});

describe('the HTML report the PDF is printed from', () => {
  it('keeps text from the target as text: markup in a reason or a host name is escaped', () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const result: CheckResult = {
      checkId: 'x-1',
      title: 'a check',
      level: 1,
      status: 'FAILED',
      statusReason: `found ${hostile} in /etc/motd`,
      remediation: 'fix "it" & go',
    };
    const html = renderAssessmentHtml({
      title: 'report',
      benchmark: { id: 'b', title: 'B', source: 's' },
      level: 1,
      profile: 'server',
      tool: { name: 'vigil', version: 't' },
      targets: [{ description: `host ${hostile}`, mode: 'host', results: [result] }],
    });
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;');
    expect(html).toContain('fix &quot;it&quot; &amp; go');
  });
});
