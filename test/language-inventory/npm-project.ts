import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFixture } from '../fixtures/fixture-build.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const exec = promisify(execFile);
const REGISTRY = 'https://registry.npmjs.org';

/** Package managers run through npx, from the npm registry only; pinned by major so the cache key is stable. */
export const TOOLS = {
  yarnClassic: 'yarn@1.22.22',
  yarnBerry: '@yarnpkg/cli-dist@4',
  pnpm: { 7: 'pnpm@7', 8: 'pnpm@8', 9: 'pnpm@9' },
} as const;

/** Yarn berry defaults to registry.yarnpkg.com and phones home; keep it on the npm registry and quiet. */
const YARN_ENV = {
  YARN_NPM_REGISTRY_SERVER: REGISTRY,
  YARN_ENABLE_TELEMETRY: '0',
  YARN_ENABLE_GLOBAL_CACHE: '0',
  YARN_ENABLE_IMMUTABLE_INSTALLS: '0',
};

/**
 * One package.json, installed and locked by every package manager, with each tool's own listing saved
 * beside its result as the oracle. Layout under ~/.cache/vigil-test/npm-project/<hash of package.json>:
 * `npm/` (installed tree, v3 lock, npm-ls.json), `lock-v1/`, `lock-v2/`, `yarn1/` (installed, yarn-list.json),
 * `berry/` (lock only, yarn-info.json), `pnpm7|8|9/` (installed, pnpm-ls.json).
 */
export async function npmProject(packageJson: object): Promise<string> {
  const text = JSON.stringify(packageJson, null, 2) + '\n';
  const key = createHash('sha256')
    .update(text + JSON.stringify(TOOLS))
    .digest('hex')
    .slice(0, 12);
  const dir = join(testCacheDir('npm-project'), key);
  if (existsSync(join(dir, '.vigil-complete'))) return dir;
  return buildFixture(`npm-project-${key}`, async () => {
    if (existsSync(join(dir, '.vigil-complete'))) return dir;
    const tmp = `${dir}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    const sub = (name: string): string => {
      mkdirSync(join(tmp, name), { recursive: true });
      writeFileSync(join(tmp, name, 'package.json'), text);
      return join(tmp, name);
    };
    await buildNpm(sub('npm'), tmp);
    await buildYarnClassic(sub('yarn1'));
    await buildYarnBerry(sub('berry'));
    for (const major of [7, 8, 9] as const) await buildPnpm(sub(`pnpm${major}`), major);
    writeFileSync(join(tmp, '.vigil-complete'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  });
}

async function run(
  cwd: string,
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const { stdout } = await exec(cmd, args, {
    cwd,
    env: { ...process.env, ...env, npm_config_update_notifier: 'false' },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  return stdout;
}

async function buildNpm(dir: string, root: string): Promise<void> {
  await run(dir, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `--registry=${REGISTRY}`]);
  writeFileSync(join(dir, 'npm-ls.json'), await run(dir, 'npm', ['ls', '--all', '--json', '--long']));
  // Older lockfile versions converted from the same lock, so they name exactly the same packages.
  for (const v of [1, 2]) {
    await run(dir, 'npm', ['install', '--package-lock-only', `--lockfile-version=${v}`, '--ignore-scripts']);
    mkdirSync(join(root, `lock-v${v}`));
    copyFileSync(join(dir, 'package.json'), join(root, `lock-v${v}`, 'package.json'));
    copyFileSync(join(dir, 'package-lock.json'), join(root, `lock-v${v}`, 'package-lock.json'));
  }
  await run(dir, 'npm', ['install', '--package-lock-only', '--lockfile-version=3', '--ignore-scripts']);
}

async function buildYarnClassic(dir: string): Promise<void> {
  const yarn = ['-y', TOOLS.yarnClassic];
  await run(dir, 'npx', [...yarn, 'install', `--registry=${REGISTRY}`, '--ignore-scripts', '--no-progress']);
  writeFileSync(join(dir, 'yarn-list.json'), await run(dir, 'npx', [...yarn, 'list', '--json']));
}

async function buildYarnBerry(dir: string): Promise<void> {
  const yarn = ['-y', TOOLS.yarnBerry];
  writeFileSync(join(dir, 'yarn.lock'), '');
  await run(dir, 'npx', [...yarn, 'install', '--mode=update-lockfile'], YARN_ENV);
  const info = await run(dir, 'npx', [...yarn, 'info', '--all', '--recursive', '--json'], YARN_ENV);
  writeFileSync(join(dir, 'yarn-info.json'), info);
  rmSync(join(dir, '.yarn'), { recursive: true, force: true });
}

async function buildPnpm(dir: string, major: 7 | 8 | 9): Promise<void> {
  const pnpm = ['-y', TOOLS.pnpm[major]];
  // A store outside the fixture: pnpm hard-links from it, and later fixtures reuse its downloads.
  const store = testCacheDir('pnpm-store');
  const common = [`--registry=${REGISTRY}`, `--store-dir=${store}`, '--ignore-scripts'];
  await run(dir, 'npx', [...pnpm, 'install', '--lockfile-only', ...common]);
  await run(dir, 'npx', [...pnpm, 'install', '--frozen-lockfile', ...common]);
  const ls = await run(dir, 'npx', [...pnpm, 'list', '--depth', 'Infinity', '--json']);
  writeFileSync(join(dir, 'pnpm-ls.json'), ls);
}
