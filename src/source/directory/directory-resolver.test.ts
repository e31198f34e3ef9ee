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
