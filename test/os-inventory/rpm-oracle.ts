import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Package } from '../../src/core/package.js';

const run = promisify(execFile);

export const RPM_QF = '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n';

/** What the real rpm lists, one `name epoch:version-release arch sourcerpm` line each, sorted. */
export async function rpmQueryAll(args: readonly string[]): Promise<string[]> {
  const { stdout } = await run('rpm', [...args, '-qa', '--qf', RPM_QF], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean).sort();
}

/** The same line for an inventoried package. */
export function rpmLine(p: Package): string {
  const bare = p.epoch ? p.version.slice(p.version.indexOf(':') + 1) : p.version;
  return `${p.name} ${p.epoch ?? 0}:${bare} ${p.arch ?? '(none)'} ${p.metadata?.['sourceRpm'] ?? '(none)'}`;
}
