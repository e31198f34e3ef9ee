import { execFile, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withLock } from '../fixtures/test-cache.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${REPO}bin/vigil.js`;
const run = promisify(execFile);
let built: Promise<void> | undefined;

/**
 * Compiles src/ into dist/ once per test process, so these tests always run the CLI a user runs
 * (`bin/vigil.js` → dist) and never a stale build. tsc still emits when other files have type errors;
 * only a build that wrote nothing fails here, with the compiler's output.
 */
export function buildCli(): Promise<void> {
  built ??= withLock('vigil-dist-build', async () => {
    // A fresh dist (npm test builds first) is left alone: rewriting it could race other test files
    // that are starting the CLI at this moment.
    if (distMtime() > newestSourceMtime(`${REPO}src`)) return;
    const started = Date.now();
    let output = '';
    try {
      await run(process.execPath, [`${REPO}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], {
        cwd: REPO,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    if (distMtime() < started - 1000) throw new Error(`tsc emitted no dist/cli/cli-main.js:\n${output}`);
  });
  return built;
}

function distMtime(): number {
  return statSync(`${REPO}dist/cli/cli-main.js`, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** Newest mtime of the compiled sources (tests and fixtures are not compiled). */
function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, e.name === 'testdata' ? 0 : newestSourceMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Run as this unprivileged uid/gid through setpriv (the tests run as root). */
  asUser?: number;
  /** A command the CLI runs under, e.g. `['strace', '-f', …]`. */
  prefix?: readonly string[];
  /** Node options before the script, e.g. `['--import', TRACER]`. */
  nodeArgs?: readonly string[];
  cwd?: string;
  /** Another copy of bin/vigil.js to run (see cli-copy.ts). */
  bin?: string;
}

/** Runs `node bin/vigil.js ARGS` to completion, capturing both streams (never a TTY). */
export function runCli(args: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const node = [...(opts.prefix ?? []), process.execPath, ...(opts.nodeArgs ?? []), opts.bin ?? BIN, ...args];
  const argv =
    opts.asUser === undefined
      ? node
      : ['setpriv', `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', ...node];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: opts.cwd ?? REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
