/**
 * `npm run build:agent`: the standalone agent, so a host needs no Node.js. One archive,
 * build/agent/vigil-agent-<version>-linux-<arch>.tar.gz, holding:
 *   vigil-agent/bin/vigil-agent   a POSIX sh launcher (`exec lib/node lib/app/vigil-agent.mjs "$@"`)
 *   vigil-agent/lib/node          the Node.js runtime this build ran on (glibc ≥ 2.28, libstdc++)
 *   vigil-agent/lib/app/*.mjs     esbuild's bundle of src/cli/agent-standalone.ts, split in chunks so the
 *                                 long-running agent never loads the catalogers (only its inventory child does)
 * The tree is also left unpacked beside it (build/agent/vigil-agent/) for the tests.
 *
 * Why not a single-executable application: measured on the same agent, a SEA's start touches ~10 MiB
 * more of the binary (67 MiB idle RSS against 56 MiB for node + the split bundle), over the 60 MiB budget,
 * and Node 20's SEA cannot load split chunks. better-sqlite3 (a native addon, only for SQLite rpm
 * databases) stays out: on such a root the rpmdb is recorded as an unknown with the reason.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const REPO = new URL('../', import.meta.url).pathname;
const OUT = join(REPO, 'build', 'agent');
const TREE = join(OUT, 'vigil-agent');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const ARCHIVE = `vigil-agent-${VERSION}-linux-${process.arch}.tar.gz`;
/** Code that must never reach a host through the agent. */
const FORBIDDEN =
  /node_modules\/(fastify|@fastify|kysely|pg|better-sqlite3)\/|src\/(server|store|reports|jobs|scan)\//;

const LAUNCHER = `#!/bin/sh
# vigil-agent: the bundled Node.js runtime running the bundled agent (no Node.js needed on the host).
here=$(dirname "$(readlink -f "$0")")
exec "$here/../lib/node" "$here/../lib/app/vigil-agent.mjs" "$@"
`;

/** The bare 'undici' resolves to the slim module (undici's index also loads fetch, WebSocket, caches, mocks). */
const slimUndici: Plugin = {
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: join(REPO, 'scripts/agent-bundle/undici-slim.mjs') }));
  },
};

async function bundle(): Promise<string[]> {
  const result = await build({
    entryPoints: { 'vigil-agent': join(REPO, 'src/cli/agent-standalone.ts') },
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outdir: join(TREE, 'lib', 'app'),
    outExtension: { '.js': '.mjs' },
    external: ['better-sqlite3'],
    // ESM builds first: jsonc-parser's UMD main requires its parts dynamically, which no bundle can follow.
    mainFields: ['module', 'main'],
    plugins: [slimUndici],
    // Bundled CommonJS dependencies call require() for Node's built-ins; ESM has no require of its own.
    banner: {
      js: "import { createRequire as __vigilRequire } from 'node:module'; const require = __vigilRequire(import.meta.url);",
    },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((p) => FORBIDDEN.test(p));
  if (forbidden.length) throw new Error(`the agent bundle must not contain:\n${forbidden.join('\n')}`);
  return inputs;
}

function copyRuntime(): void {
  const lib = join(TREE, 'lib');
  copyFileSync(process.execPath, join(lib, 'node'));
  chmodSync(join(lib, 'node'), 0o755);
  const nodeLicense = [
    '/usr/share/doc/nodejs/LICENSE',
    join(process.execPath, '../../share/doc/node/LICENSE'),
  ].find(existsSync);
  if (nodeLicense) copyFileSync(nodeLicense, join(lib, 'NODE-LICENSE'));
  for (const f of ['LICENSE', 'NOTICE']) copyFileSync(join(REPO, f), join(TREE, f));
  mkdirSync(join(TREE, 'bin'), { recursive: true });
  writeFileSync(join(TREE, 'bin', 'vigil-agent'), LAUNCHER, { mode: 0o755 });
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(TREE, 'lib', 'app'), { recursive: true });
  const inputs = await bundle();
  copyRuntime();
  const archive = join(OUT, ARCHIVE);
  execFileSync('tar', ['-czf', archive, '--owner=0', '--group=0', '-C', OUT, 'vigil-agent']);
  const sha = createHash('sha256').update(readFileSync(archive)).digest('hex');
  writeFileSync(`${archive}.sha256`, `${sha}  ${ARCHIVE}\n`);
  const mib = (p: string): string => (statSync(p).size / 1048576).toFixed(1);
  const du = execFileSync('du', ['-sk', join(TREE, 'lib', 'app')], { encoding: 'utf8' }).split('\t')[0];
  process.stdout.write(
    `build/agent/${ARCHIVE}: ${mib(archive)} MiB (node ${process.version} ${mib(join(TREE, 'lib', 'node'))} MiB + ${du} KiB of bundled agent code from ${inputs.length} modules)\n`,
  );
}

await main();
