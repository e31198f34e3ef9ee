import type { CatalogerFile, ParseResult } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';
import { parseApkInstalled, toApkDraft } from './apk-installed-parser.js';

/** Alpine (and Wolfi/Chainguard) packages from apk's installed database. */
export const apkCataloger = defineCataloger({
  name: 'apk-db',
  ecosystem: 'apk',
  tags: ['os', 'installed'],
  globs: ['lib/apk/db/installed'],
  parse: parseApkFile,
});

async function parseApkFile(file: CatalogerFile): Promise<ParseResult> {
  const parsed = parseApkInstalled((await file.read()).toString('utf8'));
  return {
    packages: parsed.entries.map(toApkDraft),
    ownership: parsed.entries
      .filter((e) => e.files.length > 0)
      .map((e) => ({
        ecosystem: 'apk' as const,
        name: e.name,
        version: e.version,
        sourceName: e.origin ?? e.name,
        sourceVersion: e.version,
        files: e.files,
      })),
    unknowns: parsed.problems.map((detail) => ({ path: file.path, reason: 'parse-error' as const, detail })),
  };
}
