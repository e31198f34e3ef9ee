import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PdfRendererUnavailableError } from './pdf-renderer-unavailable-error.js';

/** Debian's Chromium unless VIGIL_CHROMIUM names another build. */
export const chromiumPath = (): string => process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';

// The sandbox needs user namespaces a container or root often lacks; the page is our own HTML with
// JavaScript off and every request refused, so the sandbox guards nothing here.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

/**
 * Prints a self-contained HTML page to PDF (A4, backgrounds on) with headless Chromium: JavaScript
 * off and every network request aborted, so text from a scanned host that slipped into the page
 * could neither run nor fetch. One browser per call, closed before returning: reports are rare.
 */
export async function htmlToPdf(html: string): Promise<Buffer> {
  const path = chromiumPath();
  if (!existsSync(path)) throw new PdfRendererUnavailableError(path, 'not installed');
  const profile = mkdtempSync(join(tmpdir(), 'vigil-pdf-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: path,
      headless: true,
      args: FLAGS,
      javaScriptEnabled: false,
      offline: true,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new PdfRendererUnavailableError(
      path,
      String((err as Error).message).split('\n')[0] ?? 'launch failed',
    );
  }
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
