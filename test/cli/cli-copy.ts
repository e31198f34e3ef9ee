import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './built-cli.js';

/**
 * A copy of what `node bin/vigil.js` loads (bin, dist, package.json and the production packages of
 * node_modules, as package-lock.json lists them) in a fresh directory under the system temp dir, every
 * part readable by everyone: an unprivileged user runs the CLI from it wherever the clone lives (a
 * clone under /root cannot be traversed by `nobody`). Call after buildCli().
 */
export function worldReadableCli(): { root: string; bin: string } {
  const root = mkdtempSync(join(tmpdir(), 'vigil-cli-copy-'));
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(REPO, part), join(root, part), { recursive: true });
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  for (const [path, meta] of Object.entries(lock.packages)) {
    // Top-level entries only (a nested node_modules comes with its parent); dev tools stay behind.
    const name = path.slice('node_modules/'.length);
    if (!path.startsWith('node_modules/') || meta.dev || name.includes('node_modules/')) continue;
    // An optional package for another platform (piscina's @napi-rs/nice-android-arm-eabi…) is in the
    // lockfile but was never installed here, as npm ci intends.
    if (meta.optional && !existsSync(join(REPO, path))) continue;
    cpSync(join(REPO, path), join(root, path), { recursive: true, dereference: true });
  }
  // Files keep their own bits otherwise: a clone made under umask 077 would still lock nobody out.
  execFileSync('chmod', ['-R', 'a+rX', root]);
  return { root, bin: join(root, 'bin/vigil.js') };
}
