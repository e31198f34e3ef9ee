import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';

/**
 * Read-only commands on the live host, for what a file cannot tell: `sshd -T` (the effective server
 * configuration, Include and defaults applied by sshd itself) and `systemctl is-enabled`. Built only
 * for `assess … host`; a root filesystem is never given one, so nothing of this machine leaks into it.
 */
export interface LiveHostProbe {
  /** `sshd -T` output, or undefined when sshd is absent or refuses (no host keys, not root). */
  sshdEffectiveConfig(): Promise<string | undefined>;
  /** `systemctl is-enabled UNIT` first output line, or undefined when systemctl cannot answer. */
  unitEnabled(unit: string): Promise<string | undefined>;
}

const SSHD_PATHS = ['/usr/sbin/sshd', '/sbin/sshd'];
const SYSTEMCTL_PATHS = ['/usr/bin/systemctl', '/bin/systemctl'];
const TIMEOUT_MS = 10_000;

export class CommandHostProbe implements LiveHostProbe {
  private sshd: Promise<string | undefined> | undefined;

  sshdEffectiveConfig(): Promise<string | undefined> {
    this.sshd ??= firstExisting(SSHD_PATHS).then((bin) => (bin ? run(bin, ['-T']) : undefined));
    return this.sshd;
  }

  async unitEnabled(unit: string): Promise<string | undefined> {
    const bin = await firstExisting(SYSTEMCTL_PATHS);
    if (!bin) return undefined;
    // is-enabled exits non-zero for disabled/masked/not-found units and still prints the state.
    const out = await run(bin, ['is-enabled', '--', unit], true);
    return out?.split('\n')[0]?.trim() || undefined;
  }
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await access(p);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

function run(bin: string, args: readonly string[], acceptFailure = false): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      if (err && !acceptFailure) resolve(undefined);
      else resolve(stdout);
    });
  });
}
