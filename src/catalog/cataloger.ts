import type { Ecosystem, OsEcosystem } from '../core/ecosystem.js';
import type { OsInfo } from '../core/os-info.js';
import type { PackageDraft } from '../core/package.js';
import type { Unknown } from '../core/unknown.js';
import type { RandomAccessReader } from '../source/resolver.js';

export type CatalogerTag = 'os' | 'language' | 'installed' | 'declared' | 'binary';

/** One file a cataloger's glob matched, readable only through the resolver that found it. */
export interface CatalogerFile {
  path: string;
  size: number;
  /** Permission bits when the source knows them (directories, image tar headers). */
  mode?: number;
  layerDigest?: string;
  read(opts?: { maxBytes?: number }): Promise<Buffer>;
  open(): Promise<RandomAccessReader>;
  /** Another file of the same root (dpkg `info/*.list` beside `status`); undefined when absent. */
  readSibling(path: string): Promise<Buffer | undefined>;
}

export interface ParseContext {
  os?: OsInfo;
  /**
   * Scratch space of one inventory run, for catalogers that look at the same files: the Go and Rust
   * binary catalogers read each program's ELF headers once between them. Keys name kind and path.
   */
  shared?: Map<string, unknown>;
}

/** Files that an OS package installed: links language packages to the OS package that owns them. */
export interface FileOwnership {
  ecosystem: OsEcosystem;
  name: string;
  version: string;
  sourceName?: string;
  sourceVersion?: string;
  files: string[];
}

export interface ParseResult {
  packages: PackageDraft[];
  ownership?: FileOwnership[];
  unknowns?: Omit<Unknown, 'foundBy'>[];
}

/**
 * A cataloger = globs + a parser (DESIGN §5). `parse` reads only the file it is given (and siblings
 * through it), never the disk, so it runs unchanged on a directory, an image's merged layers or a host.
 * The work itself lives in pure functions over bytes/text that the parse method calls.
 */
export interface Cataloger {
  /** Stable, kebab-case: `dpkg-status`, `npm-package-lock`. Appears as `foundBy`. */
  readonly name: string;
  /** Bump when output changes: part of image layer cache keys. */
  readonly version: number;
  readonly ecosystem: Ecosystem;
  readonly tags: readonly CatalogerTag[];
  readonly globs: readonly string[];
  /**
   * Optional and synchronous: does this matched file deserve a `parse` at all, judged on what the
   * resolver already knows? The runner skips the rest without a call (binary catalogers match whole
   * program directories, tens of thousands of files on a host, and want the few executables). `parse`
   * alone must give the same answer: it returns no packages for a refused file.
   */
  accepts?(file: Pick<CatalogerFile, 'path' | 'size' | 'mode'>): boolean;
  parse(file: CatalogerFile, ctx: ParseContext): Promise<ParseResult>;
}
