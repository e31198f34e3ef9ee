import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { readText } from './safe-text.js';

const STATUS = '/var/lib/dpkg/status';

interface Installed {
  versions: Map<string, string>;
  error?: string;
  present: boolean;
}

/**
 * `package:NAME`: the installed version (dpkg state `installed`), absent when not installed. A light
 * reader of the dpkg status file: the fields a check needs, nothing of the cataloger's inventory.
 */
export async function readPackage(name: string, ctx: CollectContext): Promise<FactResult> {
  const installed = await ctx.memo('dpkg-status', () => loadStatus(ctx));
  if (installed.error) return factError(installed.error);
  const version = installed.versions.get(name);
  if (version !== undefined) return ok({ type: 'value', value: version, origin: STATUS });
  return ok({
    type: 'value',
    note: installed.present ? `${name} is not installed` : `${STATUS} does not exist`,
  });
}

async function loadStatus(ctx: CollectContext): Promise<Installed> {
  const read = await readText(ctx.resolver, STATUS, 64 * 1024 * 1024);
  if (read.kind === 'error') return { versions: new Map(), error: read.reason, present: true };
  if (read.kind === 'absent') return { versions: new Map(), present: false };
  return { versions: parseInstalled(read.text), present: true };
}

export function parseInstalled(text: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1]?.trim();
    const pkg = field('Package');
    const status = field('Status');
    const version = field('Version');
    // `install ok installed`, `hold ok installed`: the last word is the state that counts.
    if (pkg && version && status?.split(/\s+/)[2] === 'installed') versions.set(pkg, version);
  }
  return versions;
}
