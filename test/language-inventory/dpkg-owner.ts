import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The real dpkg's answer for a file in a rootfs: the owning package, its version and its source. */
export async function dpkgOwner(root: string, path: string): Promise<Record<string, string>> {
  const admindir = `--admindir=${root}/var/lib/dpkg`;
  const { stdout: s } = await run('dpkg-query', [admindir, '-S', path]);
  const name = s.split(':')[0]?.trim() ?? '';
  const { stdout } = await run('dpkg-query', [
    admindir,
    '-W',
    '-f',
    '${Version}\\t${source:Package}\\t${source:Version}',
    name,
  ]);
  const [version = '', sourceName = '', sourceVersion = ''] = stdout.split('\t');
  return { ecosystem: 'deb', name, version, sourceName, sourceVersion };
}
