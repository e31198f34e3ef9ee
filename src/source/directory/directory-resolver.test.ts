import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DirectoryResolver } from './directory-resolver.js';

let root: string;
let outside: string;

beforeAll(() => {
  outside = mkdtempSync(join(tmpdir(), 'vigil-outside-'));
  writeFileSync(join(outside, 'secret'), 'outside the root');
  root = mkdtempSync(join(tmpdir(), 'vigil-root-'));
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=debian\n');
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  symlinkSync('/usr/lib', join(root, 'lib')); // absolute: resolves inside the root, chroot style
  symlinkSync(`../../../../../../../../../..${outside}/secret`, join(root, 'etc/escape'));
  symlinkSync(join(outside, 'secret'), join(root, 'etc/absolute-out'));
  symlinkSync('loop-b', join(root, 'etc/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/loop-b'));
});

describe('DirectoryResolver', () => {
  it('finds files by glob, following in-root symlinks under the link path', async () => {
    const r = new DirectoryResolver(root);
    const refs = await r.findFiles(['etc/os-release', '**/os-release']);
    expect(refs.map((f) => [f.path, f.realPath])).toEqual([
      ['/etc/os-release', '/usr/lib/os-release'],
      ['/usr/lib/os-release', '/usr/lib/os-release'],
    ]);
    expect((await r.readFile('/etc/os-release')).toString()).toBe('ID=debian\n');
    expect(await r.realPath('/lib/os-release')).toBe('/usr/lib/os-release');
  });

  it('never reads outside the root and records why', async () => {
    const r = new DirectoryResolver(root);
    expect((await r.findFiles(['etc/*'])).map((f) => f.path)).toEqual(['/etc/os-release']);
    const reasons = Object.fromEntries(r.unknowns.map((u) => [u.path, u.reason]));
    expect(reasons).toEqual({
      '/etc/absolute-out': 'symlink-broken', // chroot semantics: /tmp/... inside the root does not exist
      '/etc/escape': 'symlink-escape',
      '/etc/loop-a': 'symlink-loop',
      '/etc/loop-b': 'symlink-loop',
    });
    await expect(r.readFile('/etc/escape')).rejects.toMatchObject({ code: 'SYMLINK_UNRESOLVABLE' });
  });

  it('passes over links to directories without calling them broken', async () => {
    const r = new DirectoryResolver(root);
    expect(await r.findFiles(['lib', 'lib/*'])).toEqual([]);
    expect(r.unknowns).toEqual([]);
  });

  it('refuses files over the size limit', async () => {
    const r = new DirectoryResolver(root, { maxFileSize: 4 });
    await expect(r.readFile('/usr/lib/os-release')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });
});

describe('DirectoryResolver metadata (statPath, listDir, owners)', () => {
  it('stats files and directories after in-root links, with mode and owner', async () => {
    const r = new DirectoryResolver(root);
    const dir = await r.statPath('/lib');
    expect(dir).toMatchObject({ path: '/lib', realPath: '/usr/lib', type: 'directory', uid: 0, gid: 0 });
    expect((await r.statPath('/etc/os-release'))?.type).toBe('file');
    expect((await r.stat('/etc/os-release'))?.uid).toBe(0);
    expect(await r.statPath('/etc/escape')).toBeUndefined();
    expect(await r.statPath('/etc/loop-a')).toBeUndefined();
    expect(await r.statPath('/nope')).toBeUndefined();
  });

  it('lists a directory without following its links, giving each link its text', async () => {
    const r = new DirectoryResolver(root);
    expect(await r.listDir('/etc')).toEqual([
      { name: 'absolute-out', type: 'symlink', linkTarget: join(outside, 'secret') },
      { name: 'escape', type: 'symlink', linkTarget: `../../../../../../../../../..${outside}/secret` },
      { name: 'loop-a', type: 'symlink', linkTarget: 'loop-b' },
      { name: 'loop-b', type: 'symlink', linkTarget: 'loop-a' },
      { name: 'os-release', type: 'symlink', linkTarget: '../usr/lib/os-release' },
    ]);
    expect(await r.listDir('/etc/os-release')).toBeUndefined();
    expect((await r.listDir('/lib'))?.map((e) => e.name)).toEqual(['os-release']);
  });

  it('reads pseudo-files that report size 0 (procfs) whole, within the limit', async () => {
    const r = new DirectoryResolver('/', { exclude: ['proc'] });
    expect((await r.readFile('/proc/sys/kernel/ostype')).toString()).toBe('Linux\n');
    await expect(
      new DirectoryResolver('/', { maxFileSize: 10 }).readFile('/proc/self/status'),
    ).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
  });
});
