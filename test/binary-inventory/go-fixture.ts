import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { buildFixture, namedBuild } from '../fixtures/fixture-build.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const SRC = join(import.meta.dirname, '../../src/catalog/go/testdata/gomod');

/** Modules the test's file:// proxy serves: module path, version, source folder under proxy-src/. */
const PROXY_MODULES = [
  { path: 'example.com/dep', version: 'v1.4.0', dir: 'dep' },
  { path: 'example.com/toolfork', version: 'v0.3.2', dir: 'toolfork' },
];

/**
 * Builds a small Go program offline with the real toolchain: one dependency served by a file://
 * module proxy made here, one replaced by a local sibling module, one replaced by another module
 * version. Cached by the sources and the toolchain version.
 */
export async function goFixtureBinary(): Promise<string> {
  const goVersion = await namedBuild('go-binary', () =>
    execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim(),
  );
  const key = createHash('sha256').update(goVersion).update(treeDigest(SRC)).digest('hex').slice(0, 12);
  const dir = testCacheDir('go-binary', key);
  const binary = join(dir, 'app', 'app');
  return buildFixture(`go-binary-${key}`, () => Promise.resolve(existsSync(binary) ? binary : build(dir)));
}

function build(dir: string): string {
  const binary = join(dir, 'app', 'app');
  rmSync(join(dir, 'app'), { recursive: true, force: true });
  cpSync(join(SRC, 'app'), join(dir, 'app'), { recursive: true });
  cpSync(join(SRC, 'lib'), join(dir, 'lib'), { recursive: true });
  const proxy = join(dir, 'proxy');
  for (const m of PROXY_MODULES) writeProxyModule(proxy, m.path, m.version, join(SRC, 'proxy-src', m.dir));
  execFileSync('go', ['build', '-o', 'app', '.'], {
    cwd: join(dir, 'app'),
    stdio: 'pipe',
    env: {
      ...process.env,
      GOFLAGS: '-mod=mod',
      GOPROXY: `file://${proxy}`,
      GOSUMDB: 'off',
      GOTOOLCHAIN: 'local',
      GOPATH: join(dir, 'gopath'),
      GOCACHE: testCacheDir('go-build-cache'),
    },
  });
  return binary;
}

/** The GOPROXY protocol's files for one module version (list, .info, .mod, .zip). */
function writeProxyModule(proxy: string, path: string, version: string, src: string): void {
  const at = join(proxy, path, '@v');
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'list'), `${version}\n`);
  writeFileSync(
    join(at, `${version}.info`),
    JSON.stringify({ Version: version, Time: '2023-01-02T03:04:05Z' }),
  );
  writeFileSync(join(at, `${version}.mod`), readFileSync(join(src, 'go.mod')));
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(src)) files[`${path}@${version}/${f}`] = readFileSync(join(src, f));
  writeFileSync(join(at, `${version}.zip`), zipSync(files));
}

function treeDigest(dir: string): string {
  const h = createHash('sha256');
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  )) {
    if (!e.isFile()) continue;
    h.update(join(e.parentPath, e.name)).update(readFileSync(join(e.parentPath, e.name)));
  }
  return h.digest('hex');
}
