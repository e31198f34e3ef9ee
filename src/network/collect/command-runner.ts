import { execFile } from 'node:child_process';
import type { CollectionNote } from '../network-facts.js';

/**
 * Runs one read-only command (`nft list`, `iptables-save`, `ip -j addr`, `ss -l`) with a timeout and
 * an output cap. A missing tool, a failure, a timeout or too much output is a fact to record
 * (a CollectionNote), never a crash of the collector.
 */

export interface CommandLimits {
  timeoutMs: number;
  maxBytes: number;
}

export type CommandResult = { ok: true; stdout: string } | { ok: false; note: CollectionNote };

// Firewall tools live in sbin, which a non-login PATH may lack.
const SBIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function runReadOnly(
  source: string,
  file: string,
  args: readonly string[],
  limits: CommandLimits,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:${SBIN_PATH}`, LC_ALL: 'C' };
    execFile(
      file,
      args,
      { timeout: limits.timeoutMs, maxBuffer: limits.maxBytes, env, encoding: 'utf8', killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        const note = (code: CollectionNote['code'], message: string): void =>
          resolve({ ok: false, note: { source, code, message } });
        if (e.code === 'ENOENT') return note('TOOL_MISSING', `${file} not installed`);
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          return note('OUTPUT_TOO_LARGE', `${file} printed more than ${limits.maxBytes} bytes`);
        if (e.killed) return note('TIMEOUT', `${file} did not finish within ${limits.timeoutMs} ms`);
        const detail = String(stderr).trim().split('\n')[0]?.slice(0, 200) ?? '';
        return note(
          'TOOL_FAILED',
          `${[file, ...args].join(' ')} failed (${String(e.code ?? e.message)})${detail ? `: ${detail}` : ''}`,
        );
      },
    );
  });
}
