import type { Cataloger, CatalogerFile } from './cataloger.js';
import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import type { RandomAccessReader } from '../source/resolver.js';
import type { ImageResolver } from '../source/image/image-resolver.js';
import type { FileNode, FileVersion } from '../source/image/layer/merged-tree.js';

const keyOf = (p: Pick<Package, 'name' | 'version'> & { arch?: string | undefined }): string =>
  `${p.name}\0${p.version}\0${p.arch ?? ''}`;

/**
 * Sets each package's `layerDigest` to the layer that introduced it. The catalog runner attributes a
 * package to the layer that wrote the final version of its file; for files rewritten by later layers
 * (dpkg status, rpmdb, apk installed, a package.json touched again) that is the last writer, not the
 * introducer. Here the same cataloger parses each layer's version of the file, and a package goes to
 * the oldest layer from which every later version still lists the same name, version and arch.
 */
export async function attributeLayers(
  packages: Package[],
  resolver: ImageResolver,
  catalogers: readonly Cataloger[],
  layerDigests: readonly string[],
  os: OsInfo | undefined,
): Promise<void> {
  const groups = new Map<
    string,
    { node: FileNode; path: string; cataloger: Cataloger; packages: Package[] }
  >();
  for (const p of packages) {
    const cataloger = catalogers.find((c) => c.name === p.foundBy);
    if (!cataloger) continue;
    const path = p.filePath.split('!/')[0] as string;
    let node: FileNode;
    try {
      node = resolver.fileAt(await resolver.realPath(path));
    } catch {
      continue;
    }
    if (!node.history?.length || !node.body) continue;
    const key = `${cataloger.name}\0${path}`;
    const g = groups.get(key) ?? { node, path, cataloger, packages: [] };
    g.packages.push(p);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const versions: FileVersion[] = [
      ...(g.node.history ?? []),
      { layer: g.node.layer, body: g.node.body as FileVersion['body'] },
    ];
    const listed: Set<string>[] = [];
    for (const v of versions.slice(0, -1)) listed.push(await keysIn(g.cataloger, g.path, v, resolver, os));
    for (const p of g.packages) {
      let first = versions.length - 1;
      while (first > 0 && listed[first - 1]?.has(keyOf(p))) first--;
      const digest = layerDigests[(versions[first] as FileVersion).layer];
      if (digest) p.layerDigest = digest;
    }
  }
}

async function keysIn(
  cataloger: Cataloger,
  path: string,
  version: FileVersion,
  resolver: ImageResolver,
  os: OsInfo | undefined,
): Promise<Set<string>> {
  const bytes = await resolver.readVersion(version.body);
  const file: CatalogerFile = {
    path,
    size: bytes.length,
    read: () => Promise.resolve(bytes),
    open: () => Promise.resolve(bufferReader(bytes)),
    // Siblings come from the merged view: they only add ownership, never change names or versions.
    readSibling: async (p) => {
      const target = p.startsWith('/') ? p : `${path.slice(0, path.lastIndexOf('/'))}/${p}`;
      return (await resolver.stat(target)) ? resolver.readFile(target) : undefined;
    },
  };
  try {
    const result = await cataloger.parse(file, os ? { os } : {});
    return new Set(result.packages.map(keyOf));
  } catch {
    return new Set();
  }
}

function bufferReader(bytes: Buffer): RandomAccessReader {
  return {
    size: bytes.length,
    read: (position, length) => Promise.resolve(bytes.subarray(position, position + length)),
    close: () => Promise.resolve(),
  };
}
