import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { readText } from './safe-text.js';
import { readUnit } from './units-reader.js';

type Row = Record<string, string>;

/** systemd mounts /dev/shm itself at boot (mount-setup: tmpfs, nosuid, nodev) when fstab says nothing. */
const SYSTEMD_DEV_SHM: Row = {
  device: 'tmpfs',
  mountPoint: '/dev/shm',
  fstype: 'tmpfs',
  options: 'rw,nosuid,nodev,mode=1777',
  source: 'systemd built-in mount (no /etc/fstab line)',
};

/**
 * `records:mounts`: `device`, `mountPoint`, `fstype`, `options` (comma list) and `source` per mount.
 * A live host's /proc/mounts; a root filesystem's /etc/fstab, plus the tmp.mount unit when it is
 * enabled (Debian's way to put a tmpfs on /tmp without an fstab line) and the /dev/shm that systemd
 * mounts at boot when fstab has no line for it.
 */
export async function readMounts(ctx: CollectContext): Promise<FactResult> {
  const path = ctx.mode === 'host' ? '/proc/mounts' : '/etc/fstab';
  const read = await readText(ctx.resolver, path, 4 * 1024 * 1024);
  if (read.kind === 'error') return factError(read.reason);
  const rows = read.kind === 'text' ? parseFstab(read.text, path) : [];
  if (ctx.mode === 'rootfs' && !rows.some((r) => r.mountPoint === '/tmp')) {
    const tmp = await tmpMountUnit(ctx);
    if (tmp) rows.push(tmp);
  }
  if (ctx.mode === 'rootfs' && !rows.some((r) => r.mountPoint === '/dev/shm')) rows.push(SYSTEMD_DEV_SHM);
  return ok({ type: 'records', rows, origin: read.kind === 'text' ? path : `${path} (absent)` });
}

/** fstab(5) and /proc/mounts share a format; `\040`-style octal escapes stand for spaces and tabs. */
export function parseFstab(text: string, path: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const [device, mountPoint, fstype, options] = line.split(/\s+/).map(unescapeOctal);
    if (!device || !mountPoint || !fstype) continue;
    rows.push({ device, mountPoint, fstype, options: options ?? 'defaults', source: `${path}:${i + 1}` });
  }
  return rows;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

async function tmpMountUnit(ctx: CollectContext): Promise<Row | undefined> {
  const state = await readUnit('tmp.mount', ctx);
  if (state.status !== 'ok' || state.fact.type !== 'value' || state.fact.value !== 'enabled')
    return undefined;
  for (const path of [
    '/etc/systemd/system/tmp.mount',
    '/usr/share/systemd/tmp.mount',
    '/lib/systemd/system/tmp.mount',
  ]) {
    const read = await readText(ctx.resolver, path);
    if (read.kind !== 'text') continue;
    const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(read.text)?.[1]?.trim();
    return {
      device: get('What') ?? 'tmpfs',
      mountPoint: '/tmp',
      fstype: get('Type') ?? 'tmpfs',
      options: get('Options') ?? 'defaults',
      source: `${path} (enabled)`,
    };
  }
  return undefined;
}
