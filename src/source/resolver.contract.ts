import { expect, it } from 'vitest';
import type { FileRef, Resolver } from './resolver.js';
import { CONTRACT_LIMIT, CONTRACT_TREE, type TreeEntry } from './testing/contract-tree.js';

/** A value, or the stable code of the error the call threw (a non-Vigil error is a contract failure). */
export type Outcome<T> = { ok: T } | { code: string };

export async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await run() };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^[A-Z_]+$/.test(code)) throw err;
    return { code };
  }
}

const body = (path: string): string => {
  const find = (p: string): TreeEntry | undefined => CONTRACT_TREE.find((x) => x.path === p);
  let e = find(path.slice(1));
  if (e?.kind === 'hardlink') e = find(e.target);
  if (e?.kind !== 'file') throw new Error(`${path} is not a file of the contract tree`);
  return e.body;
};

/** What every resolver says of a file: path, where it leads, size and permission bits. */
export type PlainRef = Omit<FileRef, 'layerDigest' | 'uid' | 'gid'>;

/** What findFiles lists (layer and owner aside: only some resolvers know them). */
const ref = (path: string, realPath = path, mode = 0o644): PlainRef => ({
  path,
  realPath,
  size: Buffer.byteLength(body(realPath)),
  mode,
});

export const EXPECTED_FILES = [
  ref('/etc/os-release', '/usr/lib/os-release'),
  ref('/etc/shadow', '/etc/shadow', 0o600),
  ref('/etc/via-dir-link', '/usr/bin/tool', 0o755),
  ref('/opt/with space/file name.txt'),
  ref('/opt/ünïcödé.txt'),
  ref('/root/.profile'),
  ref('/srv/app/node_modules/left-pad/package.json'),
  ref('/usr/bin/tool', '/usr/bin/tool', 0o755),
  ref('/usr/bin/tool-hardlink', '/usr/bin/tool-hardlink', 0o755),
  ref('/usr/bin/tool-hardlink-upper', '/usr/bin/tool-hardlink-upper', 0o755),
  ref('/usr/lib/os-release'),
  ref('/var/lib/big.bin'),
  ref('/var/lib/empty'),
  ref('/var/lib/exact.bin'),
];

export const EXPECTED_UNKNOWNS = [
  ['/dev/null', 'device'],
  ['/etc/absolute-host', 'symlink-broken'], // chroot semantics: the host's /etc/passwd is not in the root
  ['/etc/dangling', 'symlink-broken'],
  ['/etc/escape', 'symlink-escape'],
  ['/etc/loop-a', 'symlink-loop'],
  ['/etc/loop-b', 'symlink-loop'],
  ['/run/initctl', 'device'],
];

export const plain = ({ layerDigest: _d, uid: _u, gid: _g, ...r }: FileRef): PlainRef => r;
const strip = (refs: FileRef[]): PlainRef[] => refs.map(plain);

const unknownPairs = (r: Resolver): string[][] =>
  r.unknowns.map((u) => [u.path, u.reason]).sort((a, b) => String(a).localeCompare(String(b)));

/**
 * Registers the Resolver contract (src/source/resolver.ts) over the contract tree; call inside a
 * `describe`. `open` gives a fresh resolver of that tree with a read limit of CONTRACT_LIMIT bytes.
 */
export function resolverContract(open: () => Promise<Resolver>): void {
  it('describes itself', async () => {
    expect((await open()).describe()).toMatch(/\S/);
  });

  it('findFiles(**) lists every regular file, links under their own path; the rest are unknowns', async () => {
    const r = await open();
    expect(strip(await r.findFiles(['**']))).toEqual(EXPECTED_FILES);
    expect(unknownPairs(r)).toEqual(EXPECTED_UNKNOWNS);
  });

  it('owners, where a resolver knows them, are the tree’s (written by root)', async () => {
    const r = await open();
    for (const f of await r.findFiles(['**'])) {
      if (f.uid !== undefined || f.gid !== undefined) expect([f.path, f.uid, f.gid]).toEqual([f.path, 0, 0]);
    }
  });

  it('findFiles: globs without the leading slash, dotfiles included, links to directories passed over', async () => {
    const r = await open();
    const paths = async (...globs: string[]): Promise<string[]> =>
      (await r.findFiles(globs)).map((f) => f.path);
    expect(await paths('**/os-release')).toEqual(['/etc/os-release', '/usr/lib/os-release']);
    expect(await paths('root/*')).toEqual(['/root/.profile']);
    expect(await paths('**/package.json', 'usr/bin/*')).toEqual([
      '/srv/app/node_modules/left-pad/package.json',
      '/usr/bin/tool',
      '/usr/bin/tool-hardlink',
      '/usr/bin/tool-hardlink-upper',
    ]);
    expect(await paths('lib', 'bin', 'lib/*', 'var/empty-dir', 'no/such/**')).toEqual([]);
    expect(r.unknowns).toEqual([]);
  });

  it('stat follows in-root links, normalizes paths, and answers undefined for what is not a readable file', async () => {
    const r = await open();
    const got = async (p: string): Promise<PlainRef | undefined> => {
      const s = await r.stat(p);
      return s && strip([s])[0];
    };
    expect(await got('/usr/lib/os-release')).toEqual(ref('/usr/lib/os-release'));
    expect(await got('/etc/os-release')).toEqual(ref('/etc/os-release', '/usr/lib/os-release'));
    expect(await got('/lib/os-release')).toEqual(ref('/lib/os-release', '/usr/lib/os-release'));
    expect(await got('etc/../usr/./lib//os-release')).toEqual(ref('/usr/lib/os-release'));
    expect(await got('/bin/tool')).toEqual(ref('/bin/tool', '/usr/bin/tool', 0o755));
    for (const p of ['/usr/lib', '/lib', '/etc/escape', '/etc/loop-a', '/etc/dangling', '/etc/absolute-host'])
      expect(await r.stat(p), p).toBeUndefined();
    for (const p of ['/dev/null', '/run/initctl', '/no/such/file', '/var/empty-dir'])
      expect(await r.stat(p), p).toBeUndefined();
  });

  it('readFile returns the bytes through links; refuses over the limit, escapes, loops and non-files with stable codes', async () => {
    const r = await open();
    const text = async (p: string): Promise<Outcome<string>> =>
      outcome(async () => (await r.readFile(p)).toString('utf8'));
    expect(await text('/etc/os-release')).toEqual({ ok: body('/usr/lib/os-release') });
    expect(await text('/etc/via-dir-link')).toEqual({ ok: body('/usr/bin/tool') });
    expect(await text('/usr/bin/tool-hardlink')).toEqual({ ok: body('/usr/bin/tool') });
    expect(await text('/usr/bin/tool-hardlink-upper')).toEqual({ ok: body('/usr/bin/tool') });
    expect(await text('/opt/with space/file name.txt')).toEqual({ ok: 'spaced\n' });
    expect(await text('/var/lib/empty')).toEqual({ ok: '' });
    expect(await text('/var/lib/exact.bin')).toEqual({ ok: 'x'.repeat(CONTRACT_LIMIT) });
    expect(await text('/var/lib/big.bin')).toEqual({ code: 'FILE_TOO_LARGE' });
    expect(await outcome(() => r.readFile('/usr/lib/os-release', { maxBytes: 4 }))).toEqual({
      code: 'FILE_TOO_LARGE',
    });
    // A larger maxBytes never lifts the resolver's own limit.
    expect(await outcome(() => r.readFile('/var/lib/big.bin', { maxBytes: 1 << 20 }))).toEqual({
      code: 'FILE_TOO_LARGE',
    });
    expect(await text('/etc/escape')).toEqual({ code: 'SYMLINK_UNRESOLVABLE' });
    expect(await text('/etc/loop-a')).toEqual({ code: 'SYMLINK_UNRESOLVABLE' });
    for (const p of ['/etc/dangling', '/etc/absolute-host', '/dev/null', '/run/initctl', '/usr/lib', '/nope'])
      expect(await text(p), p).toEqual({ code: 'PATH_NOT_FOUND' });
  });

  it('open reads byte ranges of a file, short at its end', async () => {
    const r = await open();
    const reader = await r.open('/etc/os-release');
    const whole = body('/usr/lib/os-release');
    try {
      expect(reader.size).toBe(whole.length);
      expect((await reader.read(0, 3)).toString()).toBe(whole.slice(0, 3));
      expect((await reader.read(3, 7)).toString()).toBe(whole.slice(3, 10));
      expect((await reader.read(whole.length - 2, 100)).toString()).toBe(whole.slice(-2));
      expect((await reader.read(whole.length + 5, 4)).length).toBe(0);
    } finally {
      await reader.close();
    }
    expect(await outcome(() => r.open('/var/lib/big.bin'))).toEqual({ code: 'FILE_TOO_LARGE' });
    expect(await outcome(() => r.open('/etc/escape'))).toEqual({ code: 'SYMLINK_UNRESOLVABLE' });
    expect(await outcome(() => r.open('/nope'))).toEqual({ code: 'PATH_NOT_FOUND' });
  });

  it('realPath resolves every link in a path inside the root; missing tails are kept, escapes and loops refused', async () => {
    const r = await open();
    expect(await r.realPath('/lib/os-release')).toBe('/usr/lib/os-release');
    expect(await r.realPath('/etc/via-dir-link')).toBe('/usr/bin/tool');
    expect(await r.realPath('/bin')).toBe('/usr/bin');
    expect(await r.realPath('/lib/missing/deeper')).toBe('/usr/lib/missing/deeper');
    expect(await r.realPath('/etc/dangling')).toBe('/etc/no-such-file');
    expect(await r.realPath('/etc/absolute-host')).toBe('/etc/passwd');
    expect(await outcome(() => r.realPath('/etc/escape'))).toEqual({ code: 'SYMLINK_UNRESOLVABLE' });
    expect(await outcome(() => r.realPath('/etc/loop-b/x'))).toEqual({ code: 'SYMLINK_UNRESOLVABLE' });
  });
}
