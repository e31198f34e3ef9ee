import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFixture } from '../fixtures/fixture-build.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const exec = promisify(execFile);
/** Bun from the npm registry (the `bun` package ships its binary); pinned by minor for a stable cache key. */
export const BUN = 'bun@1.2';
const ENV = {
  ...process.env,
  BUN_CONFIG_REGISTRY: 'https://registry.npmjs.org',
  npm_config_update_notifier: 'false',
};

/**
 * A package.json locked by `bun install` (text bun.lock), then installed twice from that lockfile with
 * `--frozen-lockfile` (all, and `--production`): `lock/bun.lock`, `full/` and `prod/` trees. Cached
 * under ~/.cache/vigil-test/bun-project/<hash of package.json and Bun version>.
 */
export async function bunProject(packageJson: object): Promise<string> {
  const text = JSON.stringify(packageJson, null, 2) + '\n';
  const key = createHash('sha256')
    .update(text + BUN)
    .digest('hex')
    .slice(0, 12);
  const dir = join(testCacheDir('bun-project'), key);
  if (existsSync(join(dir, '.vigil-complete'))) return dir;
  return buildFixture(`bun-project-${key}`, async () => {
    if (existsSync(join(dir, '.vigil-complete'))) return dir;
    const tmp = `${dir}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    for (const sub of ['lock', 'full', 'prod']) {
      mkdirSync(join(tmp, sub), { recursive: true });
      writeFileSync(join(tmp, sub, 'package.json'), text);
    }
    await bun(join(tmp, 'lock'), ['install', '--ignore-scripts', '--save-text-lockfile']);
    rmSync(join(tmp, 'lock', 'node_modules'), { recursive: true, force: true });
    for (const [sub, extra] of [
      ['full', []],
      ['prod', ['--production']],
    ] as const) {
      copyFileSync(join(tmp, 'lock', 'bun.lock'), join(tmp, sub, 'bun.lock'));
      await bun(join(tmp, sub), ['install', '--frozen-lockfile', '--ignore-scripts', ...extra]);
    }
    writeFileSync(join(tmp, '.vigil-complete'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  });
}

async function bun(cwd: string, args: string[]): Promise<void> {
  try {
    await exec('npx', ['-y', BUN, ...args], {
      cwd,
      env: ENV,
      timeout: 10 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    throw new Error(
      `bun ${args.join(' ')} failed in ${cwd} (Bun comes from the npm registry as ${BUN}): ${String(err)}`,
    );
  }
}

/** Every package Bun installed: `name@version` from each package root under node_modules, nested ones too. */
export function installedTree(root: string): Set<string> {
  const out = new Set<string>();
  const walk = (nodeModules: string): void => {
    if (!existsSync(nodeModules)) return;
    for (const e of readdirSync(nodeModules, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dirs = e.name.startsWith('@')
        ? readdirSync(join(nodeModules, e.name)).map((n) => join(nodeModules, e.name, n))
        : [join(nodeModules, e.name)];
      for (const d of dirs) {
        const pj = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
        };
        out.add(`${pj.name}@${pj.version}`);
        walk(join(d, 'node_modules'));
      }
    }
  };
  walk(join(root, 'node_modules'));
  return out;
}
