import { open, type FileHandle } from 'node:fs/promises';
import picomatch from 'picomatch';
import { appendAll } from '../../core/append-all.js';
import { FileTooLargeError } from '../../core/errors/file-too-large-error.js';
import { PathNotFoundError } from '../../core/errors/path-not-found-error.js';
import type { Unknown, UnknownReason } from '../../core/unknown.js';
import { globSubject, normalizeInRoot, splitPath } from '../in-root-path.js';
import type { FileRef, RandomAccessReader, Resolver } from '../resolver.js';
import { resolveInRoot } from '../in-root-resolve.js';
import { SymlinkError } from '../symlink-error.js';
import type { BodyRef, FileNode, MergedTree, TreeNode } from './layer/merged-tree.js';

/** Reads bytes of bodies that were kept while streaming, and fetches the rare body that was not. */
export interface BodyStore {
  bodiesPath(layer: number): string;
  /** Re-streams a layer to get one entry's body (a file no glob asked for at streaming time). */
  readLate(layer: number, entryPath: string, maxBytes: number): Promise<Buffer>;
}

interface IndexEntry {
  path: string;
  node: TreeNode;
}

/**
 * The merged view of an image's layers as a Resolver (DESIGN §5): same semantics as the directory
 * resolver (chroot-style symlinks, unknowns with reasons), so every cataloger runs unchanged.
 */
export class ImageResolver implements Resolver {
  readonly unknowns: Unknown[] = [];
  private index: IndexEntry[] | undefined;
  private readonly handles = new Map<number, Promise<FileHandle>>();
  private readonly late = new Map<string, Promise<Buffer>>();
  private readonly recorded = new Set<string>();

  constructor(
    private readonly tree: MergedTree,
    private readonly layerDigests: readonly string[],
    private readonly store: BodyStore,
    private readonly label: string,
    private readonly maxFileSize: number,
  ) {
    appendAll(this.unknowns, tree.unknowns);
  }

  describe(): string {
    return `image ${this.label}`;
  }

  findFiles(globs: readonly string[]): Promise<FileRef[]> {
    const isMatch = picomatch(globs.map(globSubject), { dot: true });
    const out: FileRef[] = [];
    for (const { path, node } of this.getIndex()) {
      if (!isMatch(globSubject(path))) continue;
      if (node.kind === 'other') {
        this.record(path, 'device', 'not a regular file');
        continue;
      }
      try {
        out.push(this.statFile(path));
      } catch (err) {
        if (err instanceof SymlinkError) this.record(path, err.problem, err.message);
        else if (!this.leadsToDir(path)) this.record(path, 'symlink-broken', 'dangling');
      }
    }
    return Promise.resolve(out);
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

  async readFile(path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    const ref = this.statFile(normalizeInRoot(path));
    const node = this.fileAt(ref.realPath);
    const limit = Math.min(opts.maxBytes ?? this.maxFileSize, this.maxFileSize);
    if (node.size > limit || node.big) throw new FileTooLargeError(ref.path, node.size, limit);
    if (node.body) return this.readBody(node.body, 0, node.body.len);
    return this.readLate(node);
  }

  /** Bytes of an older version of a file (layer attribution reads each layer's dpkg status). */
  readVersion(body: BodyRef): Promise<Buffer> {
    return this.readBody(body, 0, body.len);
  }

  open(path: string): Promise<RandomAccessReader> {
    return Promise.resolve().then(() => this.openSync(path));
  }

  private openSync(path: string): RandomAccessReader {
    const ref = this.statFile(normalizeInRoot(path));
    const node = this.fileAt(ref.realPath);
    // Not kept while streaming, and a late read would be refused anyway: say so now, as readFile does.
    if (node.size > this.maxFileSize || node.big)
      throw new FileTooLargeError(ref.path, node.size, this.maxFileSize);
    const size = node.size;
    const body = node.body;
    const head = node.head;
    let whole: Buffer | undefined;
    return {
      size,
      read: async (position: number, length: number): Promise<Buffer> => {
        const end = Math.min(size, position + length);
        if (end <= position) return Buffer.alloc(0);
        if (body) return this.readBody(body, position, end - position);
        // Not kept: its first bytes were (enough to tell a binary is not ELF); the rest costs a re-read.
        if (head && end <= head.length) return head.subarray(position, end);
        whole ??= await this.readLate(node);
        return whole.subarray(position, end);
      },
      close: () => Promise.resolve(),
    };
  }

  realPath(path: string): Promise<string> {
    return Promise.resolve().then(() => this.resolve(normalizeInRoot(path), false));
  }

  /** The merged node for an in-root path after symlinks (layer attribution uses its history). */
  fileAt(realPath: string): FileNode {
    const node = this.nodeAt(splitPath(realPath));
    if (node?.kind !== 'file') throw new PathNotFoundError(realPath);
    return node;
  }

  async close(): Promise<void> {
    for (const h of this.handles.values()) await (await h).close();
    this.handles.clear();
  }

  private readLate(node: FileNode): Promise<Buffer> {
    const key = `${node.entryLayer}\0${node.entry}`;
    let hit = this.late.get(key);
    if (!hit) {
      hit = this.store.readLate(node.entryLayer, node.entry, this.maxFileSize);
      this.late.set(key, hit);
    }
    return hit;
  }

  private async readBody(body: BodyRef, position: number, length: number): Promise<Buffer> {
    let h = this.handles.get(body.layer);
    if (!h) {
      h = open(this.store.bodiesPath(body.layer), 'r');
      this.handles.set(body.layer, h);
    }
    const fh = await h;
    const buf = Buffer.alloc(Math.max(0, Math.min(length, body.len - position)));
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, body.off + position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  }

  private record(path: string, reason: UnknownReason, detail: string): void {
    const key = `${reason}\0${path}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.unknowns.push({ path, reason, detail });
  }

  private statFile(path: string): FileRef {
    const realPath = this.resolve(path, true);
    const node = this.nodeAt(splitPath(realPath));
    if (node?.kind !== 'file') throw new PathNotFoundError(path);
    const ref: FileRef = { path, realPath, size: node.size, mode: node.mode };
    const digest = this.layerDigests[node.layer];
    if (digest) ref.layerDigest = digest;
    return ref;
  }

  /** A link to a directory is not a file, and not a problem either. */
  private leadsToDir(path: string): boolean {
    try {
      return this.nodeAt(splitPath(this.resolve(path, true)))?.kind === 'dir';
    } catch {
      return false;
    }
  }

  /** Node at already-resolved parts, without following any symlink. */
  private nodeAt(parts: readonly string[]): TreeNode | undefined {
    let node: TreeNode = this.tree.root;
    for (const part of parts) {
      if (node.kind !== 'dir') return undefined;
      const next = node.children.get(part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  /** Component-wise symlink resolution with chroot semantics, shared with DirectoryResolver. */
  private resolve(path: string, mustExist: boolean): string {
    return resolveInRoot(path, mustExist, (p) => {
      const node = this.nodeAt(splitPath(p));
      if (!node) return undefined;
      return node.kind === 'symlink' ? { link: node.target } : {};
    });
  }

  private getIndex(): IndexEntry[] {
    if (!this.index) {
      const out: IndexEntry[] = [];
      const walk = (dir: TreeNode, prefix: string): void => {
        if (dir.kind !== 'dir') return;
        for (const [name, child] of dir.children) {
          const p = `${prefix}/${name}`;
          if (child.kind === 'dir') walk(child, p);
          else out.push({ path: p, node: child });
        }
      };
      walk(this.tree.root, '');
      this.index = out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return this.index;
  }
}
