import { execFile } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { REPO, buildCli } from '../cli/built-cli.js';
import { debianRootfs, type RootfsSpec } from '../fixtures/debian-rootfs.js';
import { buildFixture } from '../fixtures/fixture-build.js';
import { requireTool } from '../fixtures/required-tool.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const run = promisify(execFile);
export const BUILD_SCRIPT = join(REPO, 'deploy/image/build-image.sh');
/** The base the script's own debootstrap would make (build-image.sh step 1), from the shared rootfs cache. */
export const IMAGE_BASE: RootfsSpec = { suite: 'trixie', include: ['ca-certificates', 'nodejs'] };
export const IMAGE_VERSION = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;

export interface BuiltImage {
  /** The OCI layout directory (tag IMAGE_VERSION). */
  oci: string;
  /** The docker-archive tar. */
  archive: string;
  /** The image's root filesystem as a runtime lays it out (`umoci unpack`). Read-only: never write to it. */
  rootfs: string;
}

/** Everything that goes into the image, in a stable order: the key of the cached build. */
const INPUTS = [
  'deploy/image/build-image.sh',
  'package.json',
  'package-lock.json',
  'bin',
  'dist',
  'web/dist',
  'data',
];

function hashTree(hash: Hash, path: string): void {
  const st = statSync(path);
  hash.update(`${relative(REPO, path)}\0${st.mode}\0`);
  if (st.isDirectory()) for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
  else hash.update(readFileSync(path));
}

function inputKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(IMAGE_BASE));
  // The reused better-sqlite3 addon (build-image.sh step 2) is an input too.
  hash.update(readFileSync(join(REPO, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')));
  for (const input of INPUTS) hashTree(hash, join(REPO, input));
  return hash.digest('hex').slice(0, 16);
}

/** Builds older than this, for other inputs, are removed when a new one is made (each is ~400 MB). */
const KEEP_OTHERS_MS = 6 * 3600_000;

function removeOldBuilds(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name !== keep && Date.now() - statSync(path).mtimeMs > KEEP_OTHERS_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

/**
 * vigil's image as deploy/image/build-image.sh makes it, from this checkout's dist, web/dist, data and
 * lockfile, cached under ~/.cache/vigil-test/image/<hash of those inputs>: a cold build takes a few
 * minutes (debootstrap is cached apart, as every rootfs), a warm one only the hashing.
 */
export async function vigilImage(): Promise<BuiltImage> {
  await buildCli(); // dist is an input: never hash or pack one being rewritten
  for (const [tool, pkg] of [
    ['umoci', 'umoci'],
    ['skopeo', 'skopeo'],
    ['debootstrap', 'debootstrap'],
  ] as const)
    requireTool(tool, pkg);
  const base = await debianRootfs(IMAGE_BASE);
  const cache = testCacheDir('image');
  const key = inputKey();
  const dir = join(cache, key);
  const image = {
    oci: join(dir, 'oci'),
    archive: join(dir, 'vigil-image.tar'),
    rootfs: join(dir, 'bundle', 'rootfs'),
  };
  if (existsSync(join(dir, '.vigil-complete'))) return image;
  return buildFixture(`vigil-image-${key}`, async () => {
    if (existsSync(join(dir, '.vigil-complete'))) return image;
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    await run('bash', [BUILD_SCRIPT, partial], {
      env: { ...process.env, VIGIL_IMAGE_ROOTFS: base },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
    await run('umoci', [
      'unpack',
      '--image',
      `${join(partial, 'oci')}:${IMAGE_VERSION}`,
      join(partial, 'bundle'),
    ]);
    writeFileSync(join(partial, '.vigil-complete'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    removeOldBuilds(cache, key);
    return image;
  });
}
