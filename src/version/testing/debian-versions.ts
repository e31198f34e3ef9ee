import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixture } from '../../../test/fixtures/fixture-build.js';
import { testCacheDir } from '../../../test/fixtures/test-cache.js';

/** Package name → distinct versions (binary `Version:` and source `Source: x (v)`) of one suite. */
export type SuiteVersions = Map<string, Set<string>>;

const APT_LISTS = '/var/lib/apt/lists';
const TRIXIE_URL = 'http://deb.debian.org/debian/dists/trixie/main/binary-amd64/Packages.xz';

export function parsePackagesIndex(text: string): SuiteVersions {
  const out: SuiteVersions = new Map();
  const add = (name: string, version: string): void => {
    const set = out.get(name) ?? new Set<string>();
    set.add(version);
    out.set(name, set);
  };
  for (const stanza of text.split(/\n\n+/)) {
    const name = /^Package: (\S+)/m.exec(stanza)?.[1];
    const version = /^Version: (\S+)/m.exec(stanza)?.[1];
    if (name && version) add(name, version);
    const source = /^Source: (\S+) \((\S+)\)/m.exec(stanza);
    if (source?.[1] && source[2]) add(`src:${source[1]}`, source[2]);
  }
  return out;
}

/** The host's apt lists (bookworm, -updates, -security here), decompressed by apt itself. */
export function aptListSuites(): Map<string, SuiteVersions> {
  const suites = new Map<string, SuiteVersions>();
  const files = existsSync(APT_LISTS)
    ? readdirSync(APT_LISTS).filter((f) => /_binary-amd64_Packages/.test(f))
    : [];
  for (const file of files) {
    const suite = /_dists_([^_]+)_/.exec(file)?.[1] ?? file;
    const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(APT_LISTS, file)], {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    suites.set(suite, parsePackagesIndex(text));
  }
  return suites;
}

/** trixie's main/amd64 Packages index, downloaded once from Debian's mirror into the test cache. */
export async function trixieSuite(): Promise<SuiteVersions> {
  const dir = testCacheDir('debian-packages-index');
  const file = join(dir, 'trixie-main-amd64-Packages.xz');
  await buildFixture('debian-packages-index-trixie', async () => {
    if (existsSync(file)) return;
    const res = await fetch(TRIXIE_URL);
    if (!res.ok) throw new Error(`GET ${TRIXIE_URL}: ${res.status}`);
    writeFileSync(`${file}.part`, Buffer.from(await res.arrayBuffer()));
    renameSync(`${file}.part`, file);
  });
  return parsePackagesIndex(execFileSync('xz', ['-dc', file], { maxBuffer: 1 << 30, encoding: 'utf8' }));
}
