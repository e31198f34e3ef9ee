import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { appendAll } from '../../core/append-all.js';
import { FileTooLargeError } from '../../core/errors/file-too-large-error.js';
import { PathNotFoundError } from '../../core/errors/path-not-found-error.js';
import type { Unknown, UnknownReason } from '../../core/unknown.js';
import { globSubject, normalizeInRoot } from '../in-root-path.js';
import { resolveInRoot } from '../in-root-resolve.js';
import type { DirEntry, FileRef, PathInfo, RandomAccessReader, Resolver } from '../resolver.js';
import { SymlinkError } from '../symlink-error.js';

export interface DirectoryResolverOptions {
  /** Largest file `readFile` returns whole (bytes). Default 512 MiB. */
  maxFileSize?: number;
  /** Globs (without leading slash) of subtrees never walked, e.g. `proc/**` for a live host. */
  exclude?: readonly string[];
}

const DEFAULT_MAX_FILE_SIZE = 512 * 1024 * 1024;
/** FileRef.mode carries permission bits only, as a tar header does (the image resolver's). */
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

interface IndexEntry {
  path: string;
  kind: 'file' | 'symlink' | 'other';
}

/**
 * A Resolver over a directory that stands for `/` (a rootfs, an unpacked image, or the live host).
 * The tree is walked once, lazily, without following directory symlinks (so loops cannot recurse);
 * symlinks are resolved with chroot semantics when a glob asks for them.
 */
export class DirectoryResolver implements Resolver {
  readonly unknowns: Unknown[] = [];
  private index: IndexEntry[] | undefined;
  private readonly maxFileSize: number;
  private readonly excluded: (p: string) => boolean;
  private readonly recorded = new Set<string>();
  private readonly found = new Map<string, Promise<FileRef[]>>();

  constructor(
    readonly root: string,
    opts: DirectoryResolverOptions = {},
  ) {
    this.maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    const ex = opts.exclude ?? [];
    this.excluded = ex.length > 0 ? picomatch(ex.map(globSubject), { dot: true }) : () => false;
  }

  describe(): string {
    return `directory ${this.root}`;
  }

  async findFiles(globs: readonly string[]): Promise<FileRef[]> {
    // Catalogers that share globs (the Go and Rust binary catalogers) share one lookup.
    const key = globs.join('\0');
    let found = this.found.get(key);
    if (!found) {
      found = this.lookup(globs);
      this.found.set(key, found);
    }
    return [...(await found)];
  }

  private async lookup(globs: readonly string[]): Promise<FileRef[]> {
    const isMatch = picomatch(globs.map(globSubject), { dot: true });
    const out: FileRef[] = [];
    for (const entry of this.getIndex()) {
      if (!isMatch(globSubject(entry.path))) continue;
      if (entry.kind === 'other') {
        this.record(entry.path, 'device', 'not a regular file');
        continue;
      }
      const ref =
        entry.kind === 'file' ? await this.statWalked(entry.path) : await this.statOrRecord(entry.path);
      if (ref) out.push(ref);
    }
    return out;
  }

  /**
   * The walk never enters a symlinked directory, so a walked file's path has no link in it: one lstat
   * instead of one per path component (on a host, hundreds of thousands of lstat calls saved).
   */
  private async statWalked(path: string): Promise<FileRef | undefined> {
    try {
      const st = await lstat(this.hostPath(path));
      if (st.isFile())
        return {
          path,
          realPath: path,
          size: st.size,
          mode: st.mode & PERMISSION_BITS,
          uid: st.uid,
          gid: st.gid,
        };
    } catch (err) {
      this.record(path, 'unreadable', (err as NodeJS.ErrnoException).code ?? String(err));
    }
    return undefined;
  }

  async stat(path: string): Promise<FileRef | undefined> {
    try {
      return await this.statFile(normalizeInRoot(path));
    } catch (err) {
      if (err instanceof SymlinkError || err instanceof PathNotFoundError) return undefined;
      throw err;
    }
  }

  async readFile(path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    const ref = await this.statFile(normalizeInRoot(path));
    // maxBytes can only lower the resolver's own limit (as in the image resolver), never lift it.
    const limit = Math.min(opts.maxBytes ?? this.maxFileSize, this.maxFileSize);
    if (ref.size > limit) throw new FileTooLargeError(ref.path, ref.size, limit);
    // procfs and sysfs files say size 0 and still have content: read those in pieces up to the limit.
    if (ref.size === 0) return this.readUnsized(ref, limit);
    const handle = await open(this.hostPath(ref.realPath), 'r');
    try {
      // Read at most limit+1 bytes: a file that grew since stat must not slip past the limit.
      const buf = Buffer.alloc(Math.min(ref.size, limit) + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, filled, buf.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled === buf.length) break;
      }
      if (filled > limit) throw new FileTooLargeError(ref.path, filled, limit);
      return buf.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  private async readUnsized(ref: FileRef, limit: number): Promise<Buffer> {
    const handle = await open(this.hostPath(ref.realPath), 'r');
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total > limit) throw new FileTooLargeError(ref.path, total, limit);
        chunks.push(chunk.subarray(0, bytesRead));
      }
      return Buffer.concat(chunks);
    } finally {
      await handle.close();
    }
  }

  async statPath(path: string): Promise<PathInfo | undefined> {
    let realPath: string;
    try {
      realPath = this.resolve(normalizeInRoot(path), true);
    } catch (err) {
      if (err instanceof SymlinkError || err instanceof PathNotFoundError) return undefined;
      throw err;
    }
    const st = await lstat(this.hostPath(realPath)).catch(() => undefined);
    if (!st) return undefined;
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    return {
      path: normalizeInRoot(path),
      realPath,
      type,
      size: st.size,
      mode: st.mode & PERMISSION_BITS,
      uid: st.uid,
      gid: st.gid,
    };
  }

  async listDir(path: string): Promise<DirEntry[] | undefined> {
    const info = await this.statPath(path);
    if (info?.type !== 'directory') return undefined;
    const dir = this.hostPath(info.realPath);
    const out: DirEntry[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isSymbolicLink()) {
        out.push({ name: e.name, type: 'symlink', linkTarget: await readlink(join(dir, e.name)) });
      } else out.push({ name: e.name, type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other' });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async open(path: string): Promise<RandomAccessReader> {
    const ref = await this.statFile(normalizeInRoot(path));
    if (ref.size > this.maxFileSize) throw new FileTooLargeError(ref.path, ref.size, this.maxFileSize);
    const handle = await open(this.hostPath(ref.realPath), 'r');
    return {
      size: ref.size,
      async read(position: number, length: number): Promise<Buffer> {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, ref.size - position)));
        let filled = 0;
        while (filled < buf.length) {
          const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buf.subarray(0, filled);
      },
      close: () => handle.close(),
    };
  }

  realPath(path: string): Promise<string> {
    // Through a promise so a resolution error becomes a rejection, as the interface promises.
    return Promise.resolve().then(() => this.resolve(normalizeInRoot(path), false));
  }

  private hostPath(inRoot: string): string {
    return join(this.root, inRoot);
  }

  private record(path: string, reason: UnknownReason, detail: string): void {
    const key = `${reason}\0${path}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.unknowns.push({ path, reason, detail });
  }

  private async statOrRecord(path: string): Promise<FileRef | undefined> {
    try {
      return await this.statFile(path);
    } catch (err) {
      // A link to a directory (merged-/usr `/bin` → `usr/bin`) is not a file a glob wants, nor a problem.
      if (err instanceof PathNotFoundError && (await this.isDirectory(path))) return undefined;
      if (err instanceof SymlinkError) this.record(path, err.problem, err.message);
      else if (err instanceof PathNotFoundError) this.record(path, 'symlink-broken', 'vanished or dangling');
      else this.record(path, 'unreadable', (err as Error).message);
      return undefined;
    }
  }

  private async isDirectory(path: string): Promise<boolean> {
    try {
      return (await lstat(this.hostPath(this.resolve(path, true)))).isDirectory();
    } catch {
      return false;
    }
  }

  private async statFile(path: string): Promise<FileRef> {
    const realPath = this.resolve(path, true);
    let st: Stats;
    try {
      st = await lstat(this.hostPath(realPath));
    } catch {
      throw new PathNotFoundError(path);
    }
    if (!st.isFile()) throw new PathNotFoundError(path);
    return { path, realPath, size: st.size, mode: st.mode & PERMISSION_BITS, uid: st.uid, gid: st.gid };
  }

  private resolve(path: string, mustExist: boolean): string {
    return resolveInRoot(path, mustExist, (p) => {
      const st = lstatSync(this.hostPath(p), { throwIfNoEntry: false });
      if (!st) return undefined;
      return st.isSymbolicLink() ? { link: readlinkSync(this.hostPath(p)) } : {};
    });
  }

  private getIndex(): IndexEntry[] {
    if (!this.index) this.index = this.walk();
    return this.index;
  }

  /** Synchronous walk: for a tree walk, readdirSync is several times faster than the promise API. */
  private walk(): IndexEntry[] {
    const out: IndexEntry[] = [];
    const rootSt = lstatSync(this.root, { throwIfNoEntry: false });
    if (!rootSt?.isDirectory()) throw new PathNotFoundError(this.root);
    const stack: string[] = ['/'];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let entries;
      try {
        entries = readdirSync(this.hostPath(dir), { withFileTypes: true });
      } catch (err) {
        this.record(dir, 'unreadable', (err as NodeJS.ErrnoException).code ?? String(err));
        continue;
      }
      const children: string[] = [];
      for (const e of entries) {
        const p = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
        if (this.excluded(globSubject(p))) continue;
        if (e.isDirectory()) children.push(p);
        else if (e.isFile()) out.push({ path: p, kind: 'file' });
        else if (e.isSymbolicLink()) out.push({ path: p, kind: 'symlink' });
        else out.push({ path: p, kind: 'other' });
      }
      // Reverse so the stack pops in name order: deterministic output without a final sort of all paths.
      children.sort().reverse();
      appendAll(stack, children);
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
