import type { Ecosystem } from '../core/ecosystem.js';
import type { PackageDraft } from '../core/package.js';
import type { Unknown } from '../core/unknown.js';
import type { Cataloger, CatalogerFile, CatalogerTag, ParseContext, ParseResult } from './cataloger.js';

/** What a text parser may return: just the packages, or packages with unknowns (and ownership). */
export type TextParseOutput = PackageDraft[] | ParseResult;

interface CatalogerBase {
  name: string;
  /** Bump when output changes (part of image layer cache keys); 1 when omitted. */
  version?: number;
  ecosystem: Ecosystem;
  tags: readonly CatalogerTag[];
  globs: readonly string[];
  /**
   * Matched paths that are not this cataloger's to read, e.g. a lockfile shipped inside an installed
   * package (`node_modules/x/package-lock.json`) is that package's, not the scanned project's.
   */
  skip?: RegExp;
  /** A cheap test on path, size and mode before any read (see Cataloger.accepts); refused files give nothing. */
  accepts?: (file: Pick<CatalogerFile, 'path' | 'size' | 'mode'>) => boolean;
}

/** A cataloger over one text file: read (BOM stripped), then a pure parser of the text. */
export interface TextCatalogerSpec extends CatalogerBase {
  /** Refuse files over this size (`FILE_TOO_LARGE` → a `too-large` unknown); the resolver's limit otherwise. */
  maxBytes?: number;
  parseText(text: string, file: CatalogerFile, ctx: ParseContext): TextParseOutput | Promise<TextParseOutput>;
  parse?: never;
}

/** A cataloger that reads its file itself (zips, databases, binaries, sibling files). */
export interface FileCatalogerSpec extends CatalogerBase {
  parse(file: CatalogerFile, ctx: ParseContext): Promise<TextParseOutput>;
  parseText?: never;
}

export type CatalogerSpec = TextCatalogerSpec | FileCatalogerSpec;

/**
 * The one way catalogers are made. Fills the defaults, skips the paths `skip` names (and those
 * `accepts` refuses), and makes the
 * contract every cataloger keeps hold: `parse` never rejects. A file it cannot read becomes an unknown
 * with a reason (too-large, unreadable, parse-error), so one bad file never hides the others.
 */
export function defineCataloger(spec: CatalogerSpec): Cataloger {
  const read = spec.parseText
    ? textReader((text, file, ctx) => spec.parseText(text, file, ctx), spec.maxBytes)
    : (file: CatalogerFile, ctx: ParseContext) => spec.parse(file, ctx);
  const accepts = (file: Pick<CatalogerFile, 'path' | 'size' | 'mode'>): boolean =>
    !spec.skip?.test(file.path) && (spec.accepts?.(file) ?? true);
  return {
    name: spec.name,
    version: spec.version ?? 1,
    ecosystem: spec.ecosystem,
    tags: spec.tags,
    globs: spec.globs,
    ...(spec.skip || spec.accepts ? { accepts } : {}),
    async parse(file, ctx) {
      if (!accepts(file)) return { packages: [] };
      try {
        return normalize(await read(file, ctx));
      } catch (err) {
        return { packages: [], unknowns: [unknownOf(file.path, err)] };
      }
    },
  };
}

function textReader(
  parseText: TextCatalogerSpec['parseText'],
  maxBytes: number | undefined,
): (file: CatalogerFile, ctx: ParseContext) => Promise<TextParseOutput> {
  return async (file, ctx) => {
    const bytes = await file.read(maxBytes === undefined ? undefined : { maxBytes });
    return parseText(bytes.toString('utf8').replace(/^\uFEFF/, ''), file, ctx);
  };
}

function normalize(out: TextParseOutput): ParseResult {
  return Array.isArray(out) ? { packages: out } : out;
}

/** An error while reading one file, as the unknown that reports it. */
export function unknownOf(path: string, err: unknown): Omit<Unknown, 'foundBy'> {
  const message = err instanceof Error ? err.message : String(err);
  return { path, reason: reasonOf(err), detail: message };
}

function reasonOf(err: unknown): Unknown['reason'] {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'FILE_TOO_LARGE') return 'too-large';
  if (code === 'SYMLINK_UNRESOLVABLE') return 'symlink-broken';
  if (code === 'EACCES' || code === 'EIO') return 'unreadable';
  return 'parse-error';
}
