import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { configLines, filesIn, readText, type ConfigLine } from './safe-text.js';

/** A set of configuration files read as one list of lines: main files first, then drop-ins by name. */
interface LineSet {
  files: readonly string[];
  dropIns?: readonly { dir: string; pattern: string }[];
  /** Directories where a same-named file in an earlier directory hides later ones (modprobe.d). */
  overlay?: { dirs: readonly string[]; pattern: string };
  commentChars?: string;
}

export const LINE_SETS: Readonly<Record<string, LineSet>> = {
  // kmod reads these directories; a name in /etc hides the same name in /run and /lib.
  modprobe: {
    files: [],
    overlay: {
      dirs: [
        '/etc/modprobe.d',
        '/run/modprobe.d',
        '/usr/local/lib/modprobe.d',
        '/usr/lib/modprobe.d',
        '/lib/modprobe.d',
      ],
      pattern: '*.conf',
    },
  },
  sudoers: { files: ['/etc/sudoers'], dropIns: [{ dir: '/etc/sudoers.d', pattern: '!(*~|*.*)' }] },
  limits: {
    files: ['/etc/security/limits.conf'],
    dropIns: [{ dir: '/etc/security/limits.d', pattern: '*.conf' }],
  },
  // What login shells read: the files where umask and TMOUT are set for users.
  profile: {
    files: ['/etc/profile', '/etc/bash.bashrc'],
    dropIns: [{ dir: '/etc/profile.d', pattern: '*.sh' }],
  },
  bashrc: { files: ['/etc/bash.bashrc'] },
  'root-shell': { files: ['/root/.bash_profile', '/root/.bashrc', '/root/.profile'] },
  rsyslog: { files: ['/etc/rsyslog.conf'], dropIns: [{ dir: '/etc/rsyslog.d', pattern: '*.conf' }] },
  'audit-rules': { files: [], dropIns: [{ dir: '/etc/audit/rules.d', pattern: '*.rules' }] },
  fstab: { files: ['/etc/fstab'] },
  'grub-cfg': { files: ['/boot/grub/grub.cfg'] },
  'nftables-conf': { files: ['/etc/nftables.conf'] },
  'chrony-conf': {
    files: ['/etc/chrony/chrony.conf'],
    dropIns: [
      { dir: '/etc/chrony/conf.d', pattern: '*.conf' },
      { dir: '/etc/chrony/sources.d', pattern: '*.sources' },
    ],
  },
};

/** `lines:SET`: every meaningful line of the set's files, with `file:line`. */
export async function readLineSet(name: string, ctx: CollectContext): Promise<FactResult> {
  const set = LINE_SETS[name];
  if (!set) return factError(`unknown line set "${name}"`);
  return readFiles(await setFiles(set, ctx), ctx, set.commentChars);
}

/** `file:PATH`: one file's meaningful lines (banners, single configuration files). */
export async function readFileLines(path: string, ctx: CollectContext): Promise<FactResult> {
  return readFiles([path], ctx);
}

async function setFiles(set: LineSet, ctx: CollectContext): Promise<string[]> {
  const paths = [...set.files];
  for (const d of set.dropIns ?? []) paths.push(...(await filesIn(ctx.resolver, d.dir, d.pattern)));
  if (set.overlay) {
    const byName = new Map<string, string>();
    for (const dir of set.overlay.dirs) {
      for (const p of await filesIn(ctx.resolver, dir, set.overlay.pattern)) {
        const name = p.slice(dir.length + 1);
        if (!byName.has(name)) byName.set(name, p);
      }
    }
    paths.push(...[...byName.keys()].sort().map((n) => byName.get(n) as string));
  }
  return paths;
}

async function readFiles(
  paths: readonly string[],
  ctx: CollectContext,
  commentChars = '#',
): Promise<FactResult> {
  const lines: ConfigLine[] = [];
  const files: string[] = [];
  for (const path of paths) {
    const read = await readText(ctx.resolver, path);
    if (read.kind === 'error') return factError(read.reason);
    if (read.kind === 'absent') continue;
    files.push(path);
    lines.push(...configLines(read.text, path, commentChars));
  }
  return ok({ type: 'lines', lines, files });
}
