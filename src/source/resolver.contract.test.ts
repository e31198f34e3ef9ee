import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryResolver } from './directory/directory-resolver.js';
import { openImage, type OpenedImage } from './image/image-open.js';
import type { FileInterest } from './image/layer/keep-policy.js';
import { outcome, plain, resolverContract } from './resolver.contract.js';
import type { Resolver } from './resolver.js';
import {
  CONTRACT_LIMIT,
  CONTRACT_TREE,
  writeContractDirectory,
  writeContractLayout,
} from './testing/contract-tree.js';

let work: string;
let root: string;
let imageRef: string;
const opened: OpenedImage[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigil-resolver-contract-'));
  root = join(work, 'rootfs');
  writeContractDirectory(root);
  imageRef = await writeContractLayout(root, join(work, 'layout'));
});

afterAll(async () => {
  for (const image of opened.splice(0)) await image.close();
  rmSync(work, { recursive: true, force: true });
});

const directory = (): Promise<Resolver> =>
  Promise.resolve(new DirectoryResolver(root, { maxFileSize: CONTRACT_LIMIT }));

/** Every body kept while the layers stream past, as when catalogers' globs ask for them. */
const KEEP_ALL: FileInterest = { name: 'contract', version: 1, globs: ['**'], tags: [] };

/** The image of the same tree; without interests no body is kept and every read streams its layer again. */
function image(interests: readonly FileInterest[]): () => Promise<Resolver> {
  return async () => {
    const img = await openImage(imageRef, {
      limits: { maxFileBytes: CONTRACT_LIMIT },
      cacheDir: join(work, 'cache'),
      layerCache: false,
      interests,
    });
    opened.push(img);
    return img.resolver;
  };
}

const RESOLVERS: [string, () => Promise<Resolver>][] = [
  ['DirectoryResolver', directory],
  ['ImageResolver (bodies kept)', image([KEEP_ALL])],
  ['ImageResolver (bodies read late)', image([])],
];

for (const [name, open] of RESOLVERS) describe(`Resolver contract: ${name}`, () => resolverContract(open));

/** Every question the interface allows, asked of every path of the tree and a few more, with the answers. */
async function transcript(r: Resolver): Promise<unknown> {
  const probes = [
    ...CONTRACT_TREE.map((e) => `/${e.path}`),
    ...['/', '/usr', '/etc', '/opt/gone/file', '/var/lib/removed', '/etc/replaced-by-link', '/lib/nope'],
    ...['/bin/tool', '/lib/os-release', '/usr/bin/../lib/os-release', 'relative/../etc/os-release'],
  ];
  const answers: unknown[] = [];
  for (const p of probes) {
    const stat = await r.stat(p);

    answers.push([
      p,
      stat ? plain(stat) : undefined,
      await outcome(async () => (await r.readFile(p)).toString('base64')),
      await outcome(() => r.realPath(p)),
      await outcome(async () => {
        const reader = await r.open(p);
        try {
          return [reader.size, (await reader.read(1, 5)).toString('base64')];
        } finally {
          await reader.close();
        }
      }),
    ]);
  }
  for (const globs of [['**'], ['etc/*'], ['**/*.txt', '**/*.bin'], ['usr/**', 'lib/**']])
    answers.push([globs, (await r.findFiles(globs)).map(plain)]);
  answers.push(r.unknowns.map((u) => [u.path, u.reason]));
  return answers;
}

describe('directory and image resolvers of the same tree', () => {
  it('give identical answers to every question, unknowns included', async () => {
    const [dir, ...images] = await Promise.all(RESOLVERS.map(([, open]) => open().then(transcript)));
    for (const other of images) expect(other).toEqual(dir);
  });

  it('the image resolver names the layer that wrote each file (layer 1 overwrote layer 0)', async () => {
    const img = await openImage(imageRef, { layerCache: false, cacheDir: join(work, 'cache') });
    opened.push(img);
    const layer1 = img.metadata.layers[1]?.digest;
    expect(layer1).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const p of ['/usr/bin/tool', '/etc/os-release', '/var/lib/empty'])
      expect((await img.resolver.stat(p))?.layerDigest, p).toBe(layer1);
  });
});
