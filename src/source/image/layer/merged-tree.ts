import type { Unknown } from '../../../core/unknown.js';
import type { LayerEntry, LayerRecord } from './layer-record.js';

/** Where a kept body lives: layer index + byte range in that layer's bodies file. */
export interface BodyRef {
  layer: number;
  off: number;
  len: number;
}

export interface FileVersion {
  layer: number;
  body: BodyRef;
}

export interface DirNode {
  kind: 'dir';
  layer: number;
  children: Map<string, TreeNode>;
}
export interface FileNode {
  kind: 'file';
  layer: number;
  size: number;
  mode: number;
  /** Path of the tar entry that holds its bytes (for re-reading a body that was not kept). */
  entry: string;
  /** The layer whose tar holds `entry`: a hard link's bytes are its target's, maybe in a lower layer. */
  entryLayer: number;
  body?: BodyRef;
  head?: Buffer;
  big?: true;
  /** Earlier kept versions of this path, oldest first, since it last appeared (for layer attribution). */
  history?: FileVersion[];
}
export interface LinkNode {
  kind: 'symlink';
  layer: number;
  target: string;
}
export interface OtherNode {
  kind: 'other';
  layer: number;
}
export type TreeNode = DirNode | FileNode | LinkNode | OtherNode;

const MAX_HOPS = 40;

export const newDir = (layer: number): DirNode => ({ kind: 'dir', layer, children: new Map() });

/**
 * The union filesystem of an image: layers applied in order as a container runtime would, with
 * whiteouts and opaque directories removing what lower layers wrote. Paths that would be written
 * through a symlink leading out of the root are refused and recorded.
 */
export class MergedTree {
  readonly root: DirNode = newDir(-1);
  readonly unknowns: Unknown[] = [];

  constructor(private readonly layerDigests: readonly string[]) {}

  apply(layer: number, record: LayerRecord): void {
    for (const e of record.entries) this.applyEntry(layer, e);
  }

  private applyEntry(layer: number, e: LayerEntry): void {
    const parts = e.p.split('/');
    const name = parts.pop() as string;
    const dir = this.parentDir(parts, layer, e);
    if (!dir) return;
    const existing = dir.children.get(name);
    switch (e.t) {
      case 'w':
        if (existing && existing.layer < layer) dir.children.delete(name);
        return;
      case 'q': {
        const target = name === '' ? dir : existing;
        if (target?.kind === 'dir') purgeLower(target, layer);
        return;
      }
      case 'd':
        if (existing?.kind === 'dir') existing.layer = Math.max(existing.layer, layer);
        else dir.children.set(name, newDir(layer));
        return;
      case 's':
        dir.children.set(name, { kind: 'symlink', layer, target: e.link ?? '' });
        return;
      case 'h':
        this.hardLink(dir, name, layer, e);
        return;
      case 'o':
        dir.children.set(name, { kind: 'other', layer });
        return;
      case 'f':
        dir.children.set(name, fileNode(layer, e, existing));
        return;
    }
  }

  private hardLink(dir: DirNode, name: string, layer: number, e: LayerEntry): void {
    const target = this.lookup(e.link ?? '', false);
    if (target?.kind !== 'file') {
      this.unknowns.push({
        path: '/' + e.p,
        reason: 'symlink-broken',
        detail: `hard link to missing ${e.link ?? ''}`,
        layerDigest: this.digest(layer),
      });
      return;
    }
    // The link's own tar entry has no body: reads go to the target's entry, in the target's layer.
    const { history: _h, ...copy } = target;
    dir.children.set(name, { ...copy, layer });
  }

  private digest(layer: number): string {
    return this.layerDigests[layer] ?? '';
  }

  /** The directory that will hold `parts/…`, created as needed; following in-root symlinks like containerd. */
  private parentDir(parts: string[], layer: number, e: LayerEntry): DirNode | undefined {
    let dir = this.root;
    const stack: DirNode[] = [];
    let queue = [...parts];
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        const up = stack.pop();
        if (!up) return this.refuse(e, layer, 'a symlink in its path climbs out of the root');
        dir = up;
        continue;
      }
      let child = dir.children.get(part);
      if (child?.kind === 'symlink') {
        if (++hops > MAX_HOPS) return this.refuse(e, layer, 'symlink loop in its path');
        if (child.target.startsWith('/')) {
          dir = this.root;
          stack.length = 0;
        }
        queue = [...child.target.split('/'), ...queue];
        continue;
      }
      if (child?.kind !== 'dir') {
        if (e.t === 'w' || e.t === 'q') return undefined; // deleting inside a missing dir: nothing to do
        child = newDir(layer);
        dir.children.set(part, child);
      }
      stack.push(dir);
      dir = child;
    }
    return dir;
  }

  private refuse(e: LayerEntry, layer: number, why: string): undefined {
    this.unknowns.push({
      path: '/' + e.p,
      reason: 'hostile-path',
      detail: why,
      layerDigest: this.digest(layer),
    });
    return undefined;
  }

  /** The node at an in-root path, following symlinks in directories (and at the end when `follow`). */
  lookup(path: string, follow: boolean): TreeNode | undefined {
    let node: TreeNode = this.root;
    const stack: DirNode[] = [];
    let queue = path.split('/').filter((p) => p !== '' && p !== '.');
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (node.kind !== 'dir') return undefined;
      if (part === '..') {
        node = stack.pop() ?? this.root;
        continue;
      }
      const child: TreeNode | undefined = node.children.get(part);
      if (!child) return undefined;
      if (child.kind === 'symlink' && (follow || queue.length > 0)) {
        if (++hops > MAX_HOPS) return undefined;
        if (child.target.startsWith('/')) {
          node = this.root;
          stack.length = 0;
        }
        queue = [...child.target.split('/').filter((p) => p !== '' && p !== '.'), ...queue];
        continue;
      }
      stack.push(node);
      node = child;
    }
    return node;
  }
}

function fileNode(layer: number, e: LayerEntry, previous: TreeNode | undefined): FileNode {
  const node: FileNode = {
    kind: 'file',
    layer,
    size: e.size ?? 0,
    mode: e.mode ?? 0o644,
    entry: e.p,
    entryLayer: layer,
  };
  if (e.off !== undefined && e.len !== undefined) node.body = { layer, off: e.off, len: e.len };
  if (e.head) node.head = Buffer.from(e.head, 'base64');
  if (e.big) node.big = true;
  if (previous?.kind === 'file' && previous.body && node.body) {
    node.history = [...(previous.history ?? []), { layer: previous.layer, body: previous.body }];
  }
  return node;
}

/** Opaque directory: everything lower layers put under `dir` disappears; this layer's entries stay. */
function purgeLower(dir: DirNode, layer: number): void {
  for (const [name, child] of dir.children) {
    if (child.layer < layer) dir.children.delete(name);
    else if (child.kind === 'dir') purgeLower(child, layer);
  }
}
