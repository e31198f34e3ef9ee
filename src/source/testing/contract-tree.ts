import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tarBytes, writeOciLayout } from '../../../test/image/fixtures/oci-layout-writer.js';
import { requireTool } from '../../../test/fixtures/required-tool.js';

/** The read limit both resolvers get: small, so the size cases stay tiny. */
export const CONTRACT_LIMIT = 64;

export type TreeEntry =
  | { path: string; kind: 'file'; body: string; mode?: number }
  | { path: string; kind: 'dir' }
  | { path: string; kind: 'symlink'; target: string }
  /** `upper`: written by the top layer of the image, so the link's target is in a lower layer. */
  | { path: string; kind: 'hardlink'; target: string; upper?: true }
  | { path: string; kind: 'fifo' | 'chardev' };

const TOOL = '\x7fELF not really, but executable\n';

/**
 * One tree for every Resolver: in-root links relative and absolute, a link to a directory, a link
 * through a linked directory, a hard link, links that escape, loop and dangle, an absolute link whose
 * target exists on the host but not in the root, devices, files at and over the size limit, an empty
 * file, dotfiles, spaces and non-ASCII in names.
 */
export const CONTRACT_TREE: readonly TreeEntry[] = [
  { path: 'usr/lib/os-release', kind: 'file', body: 'ID=debian\nVERSION_ID="12"\n' },
  { path: 'etc/os-release', kind: 'symlink', target: '../usr/lib/os-release' },
  { path: 'lib', kind: 'symlink', target: '/usr/lib' },
  { path: 'usr/bin/tool', kind: 'file', body: TOOL, mode: 0o755 },
  { path: 'usr/bin/tool-hardlink', kind: 'hardlink', target: 'usr/bin/tool' },
  { path: 'usr/bin/tool-hardlink-upper', kind: 'hardlink', target: 'usr/bin/tool', upper: true },
  { path: 'bin', kind: 'symlink', target: 'usr/bin' },
  { path: 'etc/via-dir-link', kind: 'symlink', target: '/bin/tool' },
  { path: 'etc/escape', kind: 'symlink', target: '../../../../../../../../etc/passwd' },
  { path: 'etc/absolute-host', kind: 'symlink', target: '/etc/passwd' },
  { path: 'etc/loop-a', kind: 'symlink', target: 'loop-b' },
  { path: 'etc/loop-b', kind: 'symlink', target: 'loop-a' },
  { path: 'etc/dangling', kind: 'symlink', target: 'no-such-file' },
  { path: 'etc/shadow', kind: 'file', body: 'root:*:19000:0:99999:7:::\n', mode: 0o600 },
  { path: 'dev/null', kind: 'chardev' },
  { path: 'run/initctl', kind: 'fifo' },
  { path: 'var/lib/exact.bin', kind: 'file', body: 'x'.repeat(CONTRACT_LIMIT) },
  { path: 'var/lib/big.bin', kind: 'file', body: 'y'.repeat(CONTRACT_LIMIT * 3 + 1) },
  { path: 'var/lib/empty', kind: 'file', body: '' },
  { path: 'var/empty-dir', kind: 'dir' },
  { path: 'root/.profile', kind: 'file', body: 'PATH=/usr/bin\n' },
  { path: 'opt/with space/file name.txt', kind: 'file', body: 'spaced\n' },
  { path: 'opt/ünïcödé.txt', kind: 'file', body: 'utf-8 name\n' },
  {
    path: 'srv/app/node_modules/left-pad/package.json',
    kind: 'file',
    body: '{"name":"left-pad","version":"1.3.0"}\n',
  },
];

/** Writes the tree as a directory on disk (devices need root, as the whole suite does). */
export function writeContractDirectory(root: string): void {
  mkdirSync(root, { recursive: true });
  for (const e of CONTRACT_TREE) {
    const p = join(root, e.path);
    mkdirSync(e.kind === 'dir' ? p : dirname(p), { recursive: true });
    if (e.kind === 'file') {
      writeFileSync(p, e.body);
      chmodSync(p, e.mode ?? 0o644);
    } else if (e.kind === 'symlink') symlinkSync(e.target, p);
    else if (e.kind === 'hardlink') linkSync(join(root, e.target), p);
    else if (e.kind === 'fifo') execFileSync(requireTool('mkfifo', 'coreutils'), [p]);
    else if (e.kind === 'chardev') execFileSync(requireTool('mknod', 'coreutils'), [p, 'c', '1', '3']);
  }
}

/**
 * The same tree as an OCI image layout of three layers, merged as a runtime would: layer 0 holds
 * older versions and files that later go, layer 1 is GNU tar's archive of the directory, layer 2
 * whites out what layer 0 left behind. The merged view equals the directory exactly.
 */
export async function writeContractLayout(dir: string, layout: string): Promise<string> {
  const older = await tarBytes([
    { name: 'usr/lib/os-release', body: 'ID=older\n' },
    { name: 'usr/bin/tool', body: 'the tool before layer 1\n' },
    { name: 'var/lib/removed', body: 'whited out by layer 2\n' },
    { name: 'opt/gone/', type: 'directory' },
    { name: 'opt/gone/file', body: 'under a whited-out directory\n' },
    { name: 'etc/replaced-by-link', body: 'a file' },
  ]);
  const upper = CONTRACT_TREE.filter((e) => e.kind === 'hardlink' && e.upper);
  const exclude = upper.map((e) => `--exclude=./${e.path}`);
  const tree = execFileSync(requireTool('tar'), ['-C', dir, '--numeric-owner', ...exclude, '-cf', '-', '.'], {
    maxBuffer: 64 << 20,
  });
  const whiteouts = await tarBytes([
    { name: 'var/lib/.wh.removed' },
    { name: 'opt/.wh.gone' },
    { name: 'etc/.wh.replaced-by-link' },
    ...upper.map((e) => ({
      name: e.path,
      type: 'link' as const,
      linkname: e.kind === 'hardlink' ? e.target : '',
    })),
  ]);
  writeOciLayout(
    layout,
    [{ tar: older }, { tar: tree }, { tar: whiteouts, compression: 'none' }],
    'contract',
  );
  return `oci:${layout}:contract`;
}
