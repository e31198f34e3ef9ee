import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { join, resolve as resolveHostPath } from 'node:path';
import { FileTooLargeError } from '../../core/errors/file-too-large-error.js';
import { PathNotFoundError } from '../../core/errors/path-not-found-error.js';
import type { Unknown, UnknownReason } from '../../core/unknown.js';
import { globSubject, normalizeInRoot } from '../in-root-path.js';
import { resolveInRoot, type PathProbe } from '../in-root-resolve.js';
import type { DirEntry, FileRef, PathInfo, RandomAccessReader, Resolver } from '../resolver.js';
import { SymlinkError } from '../symlink-error.js';
import { walkTree, type WalkEntry } from './tree-walk.js';

export interface DirectoryResolverOptions {
  /** Largest file `readFile` returns whole (bytes). Default 512 MiB. */
  maxFileSize?: number;
  /** Globs (without leading slash) of paths never walked nor listed, e.g. `proc` for a live host. */
  exclude?: readonly string[];
}

const DEFAULT_MAX_FILE_SIZE = 512 * 1024 * 1024;
const PERMISSION_BITS = 0o7777;

/** Virtual or volatile trees of a live system that hold no installed software. */
export const HOST_EXCLUDES = [
  'proc',
  'sys',
  'dev',
  'run',
  'tmp',
  'var/tmp',
  'var/cache',
  'var/lib/docker',
  'lost+found',
];

/**
 * A Resolver over a directory that stands for `/` (a rootfs, an unpacked image, or the live host).
 *
 * The tree is walked once, lazily, without following directory symlinks (so loops cannot recurse),
 * matching every glob list announced through `expectGlobs` in that one walk and keeping only the
 * matches: a host has hundreds of thousands of files and a few thousand a cataloger wants. Symlinks
 * are resolved with chroot semantics when a glob asks for them. File system calls are synchronous: for
 * many small files one blocking call is several times cheaper than a promise through the thread pool,
 * and a scan has nothing else to do meanwhile.
 */
export class DirectoryResolver implements Resolver {
  readonly unknowns: Unknown[] = [];
  private readonly maxFileSize: number;
  private readonly exclude: readonly string[];
  private readonly recorded = new Set<string>();
  /** The root as a normalized host path without a trailing slash (empty for `/`): in-root paths append to it. */
  private readonly base: string;
  /** Glob lists announced before the walk; all are matched in the first walk. */
  private expected: (readonly string[])[] = [];
  private walked = false;
  private readonly matched = new Map<string, WalkEntry[]>();
  private readonly found = new Map<string, FileRef[]>();
  /** Announced calls not yet answered, per glob list. */
  private readonly uses = new Map<string, number>();
  /** In-root directory → where it leads after symlinks. Valid for the scan: trees are read, not written. */
  private readonly realDirs = new Map<string, string>();
  private readonly probe: PathProbe = (p) => {
    const st = lstatSync(this.hostPath(p), { throwIfNoEntry: false });
    if (!st) return undefined;
    return st.isSymbolicLink() ? { link: readlinkSync(this.hostPath(p)) } : {};
  };

  constructor(
    readonly root: string,
    opts: DirectoryResolverOptions = {},
  ) {
    this.maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.exclude = (opts.exclude ?? []).map(globSubject);
    const abs = resolveHostPath(root);
    this.base = abs === '/' ? '' : abs;
  }

  describe(): string {
    return `directory ${this.root}`;
  }

  expectGlobs(sets: readonly (readonly string[])[]): void {
    if (!this.walked) this.expected.push(...sets);
    for (const set of sets) this.uses.set(keyOf(set), (this.uses.get(keyOf(set)) ?? 0) + 1);
  }

  findFiles(globs: readonly string[]): Promise<FileRef[]> {
    return Promise.resolve().then(() => {
      const refs = [...this.lookup(globs)];
      // Once every announced caller has had its answer, the list is not kept (a host's usr/lib/** alone
      // is tens of thousands of refs); an unannounced later call walks again.
      const key = keyOf(globs);
      const left = (this.uses.get(key) ?? 0) - 1;
      if (left === 0) this.found.delete(key);
      if (left >= 0) this.uses.set(key, left);
      return refs;
    });
  }

  /** Catalogers that share globs (the Go and Rust binary catalogers) share one lookup. */
  private lookup(globs: readonly string[]): FileRef[] {
    const key = keyOf(globs);
    const done = this.found.get(key);
    if (done) return done;
    const out: FileRef[] = [];
    for (const entry of this.entriesFor(globs, key)) {
      if (entry.kind === 'other') {
        this.record(entry.path, 'device', 'not a regular file');
        continue;
      }
      const ref = entry.kind === 'file' ? this.statWalked(entry.path) : this.statOrRecord(entry.path);
      if (ref) out.push(ref);
    }
    this.found.set(key, out);
    this.matched.delete(key);
    return out;
  }

  /** The walk's matches for these globs: from the shared first walk when announced, else a walk of their own. */
  private entriesFor(globs: readonly string[], key: string): WalkEntry[] {
    if (!this.walked) {
      const sets = [...this.expected, globs];
      const results = this.walk(sets);
      this.walked = true;
      this.expected = [];
      sets.forEach((set, i) => this.matched.set(keyOf(set), results[i] as WalkEntry[]));
    }
    return this.matched.get(key) ?? (this.walk([globs])[0] as WalkEntry[]);
  }

  private walk(sets: readonly (readonly string[])[]): WalkEntry[][] {
    return walkTree(this.base || '/', {
      sets: sets.map((s) => s.map(globSubject)),
      exclude: this.exclude,
      onUnreadable: (dir, code) => this.record(dir, 'unreadable', code),
    });
  }

  /**
   * The walk never enters a symlinked directory, so a walked file's path has no link in it: one lstat
   * instead of one per path component.
   */
  private statWalked(path: string): FileRef | undefined {
    try {
      const st = lstatSync(this.hostPath(path));
      if (st.isFile()) return refOf(path, path, st);
    } catch (err) {
      this.record(path, 'unreadable', (err as NodeJS.ErrnoException).code ?? String(err));
    }
    return undefined;
  }

  stat(path: string): Promise<FileRef | undefined> {
    return Promise.resolve().then(() => {
      try {
        return this.statFile(normalizeInRoot(path));
      } catch (err) {
        if (err instanceof SymlinkError || err instanceof PathNotFoundError) return undefined;
        throw err;
      }
    });
  }

  readFile(path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    // maxBytes can only lower the resolver's own limit (as in the image resolver), never lift it.
    const limit = Math.min(opts.maxBytes ?? this.maxFileSize, this.maxFileSize);
    return Promise.resolve().then(() => this.readWhole(normalizeInRoot(path), limit));
  }

  private readWhole(path: string, limit: number): Buffer {
    const ref = this.statFile(path);
    if (ref.size > limit) throw new FileTooLargeError(ref.path, ref.size, limit);
    // procfs and sysfs files say size 0 and still have content: read those in pieces up to the limit.
    if (ref.size === 0) return this.readUnsized(ref, limit);
    const fd = openSync(this.hostPath(ref.realPath), 'r');
    try {
      // Read at most limit+1 bytes: a file that grew since stat must not slip past the limit.
      const buf = Buffer.allocUnsafe(Math.min(ref.size, limit) + 1);
      let filled = 0;
      for (;;) {
        const n = readSync(fd, buf, filled, buf.length - filled, filled);
        if (n === 0) break;
        filled += n;
        if (filled === buf.length) break;
      }
      if (filled > limit) throw new FileTooLargeError(ref.path, filled, limit);
      return buf.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  }

  private readUnsized(ref: FileRef, limit: number): Buffer {
    const fd = openSync(this.hostPath(ref.realPath), 'r');
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024);
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        total += n;
        if (total > limit) throw new FileTooLargeError(ref.path, total, limit);
        chunks.push(chunk.subarray(0, n));
      }
      return Buffer.concat(chunks);
    } finally {
      closeSync(fd);
    }
  }

  statPath(path: string): Promise<PathInfo | undefined> {
    return Promise.resolve().then(() => this.pathInfo(normalizeInRoot(path)));
  }

  private pathInfo(path: string): PathInfo | undefined {
    let realPath: string;
    try {
      realPath = this.resolve(path, true).realPath;
    } catch (err) {
      if (err instanceof SymlinkError || err instanceof PathNotFoundError) return undefined;
      throw err;
    }
    const st = lstatSync(this.hostPath(realPath), { throwIfNoEntry: false });
    if (!st) return undefined;
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    return { ...refOf(path, realPath, st), type };
  }

  listDir(path: string): Promise<DirEntry[] | undefined> {
    return Promise.resolve().then(() => {
      const info = this.pathInfo(normalizeInRoot(path));
      if (info?.type !== 'directory') return undefined;
      const dir = this.hostPath(info.realPath);
      const out: DirEntry[] = [];
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isSymbolicLink()) {
          out.push({ name: e.name, type: 'symlink', linkTarget: readlinkSync(join(dir, e.name)) });
        } else
          out.push({ name: e.name, type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other' });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  open(path: string): Promise<RandomAccessReader> {
    return Promise.resolve().then(() => {
      const ref = this.statFile(normalizeInRoot(path));
      if (ref.size > this.maxFileSize) throw new FileTooLargeError(ref.path, ref.size, this.maxFileSize);
      return fileReader(openSync(this.hostPath(ref.realPath), 'r'), ref.size);
    });
  }

  realPath(path: string): Promise<string> {
    // Through a promise so a resolution error becomes a rejection, as the interface promises.
    return Promise.resolve().then(() => this.resolve(normalizeInRoot(path), false).realPath);
  }

  private hostPath(inRoot: string): string {
    return inRoot === '/' ? this.base || '/' : this.base + inRoot;
  }

  private record(path: string, reason: UnknownReason, detail: string): void {
    const key = `${reason}\0${path}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.unknowns.push({ path, reason, detail });
  }

  private statOrRecord(path: string): FileRef | undefined {
    try {
      return this.statFile(path);
    } catch (err) {
      // A link to a directory (merged-/usr `/bin` → `usr/bin`) is not a file a glob wants, nor a problem.
      if (err instanceof PathNotFoundError && this.isDirectory(path)) return undefined;
      if (err instanceof SymlinkError) this.record(path, err.problem, err.message);
      else if (err instanceof PathNotFoundError) this.record(path, 'symlink-broken', 'vanished or dangling');
      else this.record(path, 'unreadable', (err as Error).message);
      return undefined;
    }
  }

  private isDirectory(path: string): boolean {
    try {
      return lstatSync(this.hostPath(this.resolve(path, true).realPath)).isDirectory();
    } catch {
      return false;
    }
  }

  private statFile(path: string): FileRef {
    const resolved = this.resolve(path, true);
    let st: Stats | undefined = resolved.stats;
    if (!st) {
      try {
        st = lstatSync(this.hostPath(resolved.realPath));
      } catch {
        throw new PathNotFoundError(path);
      }
    }
    if (!st.isFile()) throw new PathNotFoundError(path);
    return refOf(path, resolved.realPath, st);
  }

  /**
   * Chroot-style resolution. The common case (a file in a directory already resolved, itself no link)
   * costs one lstat; anything else takes the component-by-component walk of resolveInRoot.
   */
  private resolve(path: string, mustExist: boolean): { realPath: string; stats?: Stats } {
    const slash = path.lastIndexOf('/');
    const dir = slash <= 0 ? '/' : path.slice(0, slash);
    const realDir = path === '/' ? undefined : this.realDir(dir);
    if (realDir !== undefined) {
      const candidate = `${realDir === '/' ? '' : realDir}/${path.slice(slash + 1)}`;
      try {
        const stats = lstatSync(this.hostPath(candidate), { throwIfNoEntry: false });
        if (stats && !stats.isSymbolicLink()) return { realPath: candidate, stats };
      } catch {
        // ENOTDIR, EACCES…: the full walk below meets the same error at the same component.
      }
    }
    return { realPath: resolveInRoot(path, mustExist, this.probe) };
  }

  /** A directory's real path, built on its parent's (cached): one lstat per directory met. */
  private realDir(dir: string): string | undefined {
    if (dir === '/') return '/';
    let real = this.realDirs.get(dir);
    if (real !== undefined) return real;
    const slash = dir.lastIndexOf('/');
    const parent = this.realDir(slash <= 0 ? '/' : dir.slice(0, slash));
    try {
      const candidate =
        parent === undefined ? undefined : `${parent === '/' ? '' : parent}/${dir.slice(slash + 1)}`;
      const st =
        candidate === undefined ? undefined : lstatSync(this.hostPath(candidate), { throwIfNoEntry: false });
      // A link (or anything odd) takes the full walk, which counts hops and refuses escapes.
      real = st?.isDirectory() ? candidate : resolveInRoot(dir, true, this.probe);
    } catch {
      return undefined;
    }
    if (real === undefined) return undefined;
    this.realDirs.set(dir, real);
    return real;
  }
}

/** FileRef.mode carries permission bits only, as a tar header does (the image resolver's). */
function refOf(path: string, realPath: string, st: Stats): FileRef & { uid: number; gid: number } {
  return { path, realPath, size: st.size, mode: st.mode & PERMISSION_BITS, uid: st.uid, gid: st.gid };
}

function keyOf(globs: readonly string[]): string {
  return globs.join('\0');
}

/** Positional reads of an open file; reads past the end come back short, as the interface says. */
function fileReader(fd: number, size: number): RandomAccessReader {
  let closed = false;
  return {
    size,
    read(position: number, length: number): Promise<Buffer> {
      return Promise.resolve().then(() => {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        let filled = 0;
        while (filled < buf.length) {
          const n = readSync(fd, buf, filled, buf.length - filled, position + filled);
          if (n === 0) break;
          filled += n;
        }
        return buf.subarray(0, filled);
      });
    },
    close(): Promise<void> {
      return Promise.resolve().then(() => {
        if (closed) return;
        closed = true;
        closeSync(fd);
      });
    },
  };
}
