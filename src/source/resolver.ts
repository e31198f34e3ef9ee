import type { Unknown } from '../core/unknown.js';

/** A regular file inside a scanned root, named by its path inside that root (always starting with `/`). */
export interface FileRef {
  path: string;
  /** Where `path` leads after symlinks, still inside the root; equals `path` for plain files. */
  realPath: string;
  size: number;
  /** Permission bits (`st_mode & 0o7777`, as a tar header stores them); the file type is always regular. */
  mode: number;
  /** Numeric owner and group, where the resolver knows them (the directory resolver always does). */
  uid?: number;
  gid?: number;
  /** Image layer that wrote the file (image resolvers only). */
  layerDigest?: string;
}

/** Metadata of any in-root path after symlinks: a regular file, a directory, or anything else. */
export interface PathInfo {
  path: string;
  realPath: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  /** Permission bits, as in FileRef (the type is `type`). */
  mode: number;
  uid: number;
  gid: number;
}

/** One entry of a directory, symlinks not followed: a link's own text is given as `linkTarget`. */
export interface DirEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  linkTarget?: string;
}

/** Positional reads of one file, for formats read piecewise (ELF sections, rpm Berkeley DB pages, zip directories). */
export interface RandomAccessReader {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * The only way catalogers read files (DESIGN §5). A Resolver treats its root as `/`: every path it hands
 * out or accepts is inside the root, symlinks resolve inside the root and never escape it, and what it
 * cannot read safely is recorded in `unknowns` with a reason instead of being read.
 */
export interface Resolver {
  /** For messages and reports: the directory, image reference or host this resolver reads. */
  describe(): string;
  /**
   * Regular files whose in-root path matches any of the globs, sorted by path. Globs are picomatch
   * patterns over paths without the leading slash (`var/lib/dpkg/status`, `** /package.json` without the
   * space), dotfiles included. A symlink that matches is listed under its own path when it leads to a
   * regular file inside the root; links that escape, loop or dangle become unknowns.
   */
  findFiles(globs: readonly string[]): Promise<FileRef[]>;
  /**
   * Optional: the glob lists `findFiles` will be asked for. A resolver that walks a tree matches them
   * all in its one walk instead of keeping every path for later. Answers are the same without it.
   */
  expectGlobs?(sets: readonly (readonly string[])[]): void;
  /** The file at `path` after symlinks, or undefined when absent or not a regular file. */
  stat(path: string): Promise<FileRef | undefined>;
  /** Whole file; throws FileTooLargeError over `maxBytes` or the resolver's file-size limit, whichever is lower. */
  readFile(path: string, opts?: { maxBytes?: number }): Promise<Buffer>;
  /**
   * Positional reads of one file. Throws FileTooLargeError over the resolver's file-size limit, as
   * readFile does: an image keeps no bytes of such a file, so no resolver reads it.
   */
  open(path: string): Promise<RandomAccessReader>;
  /** The path with every symlink in it resolved (inside the root). */
  realPath(path: string): Promise<string>;
  /**
   * Metadata of a file, directory or other entry at `path` after symlinks (inside the root); undefined
   * when absent or when its links escape, loop or dangle. Optional: configuration assessments use it
   * for directory modes and owners; resolvers that cannot tell leave it out.
   */
  statPath?(path: string): Promise<PathInfo | undefined>;
  /**
   * Entries of the directory at `path` (symlinks in `path` itself followed inside the root), sorted by
   * name; undefined when `path` is not a directory. Optional, as `statPath`.
   */
  listDir?(path: string): Promise<DirEntry[] | undefined>;
  /** What was met and not read, with reasons. Grows as the resolver is used. */
  readonly unknowns: readonly Unknown[];
}
