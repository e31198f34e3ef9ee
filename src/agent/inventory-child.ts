import { spawn } from 'node:child_process';
import { INVENTORY_CHILD_ENV } from './agent-limits.js';
const MAX_CHILD_OUTPUT = 64 * 1024;

/** How the agent starts itself again (node + script + args, or the single executable + args). */
export interface SelfCommand {
  command: string;
  args: readonly string[];
}

export interface ChildSpec {
  root: string;
  hostname: string;
  stateDir: string;
  /** The kept inventory's content hash: an equal rebuild writes nothing. */
  previousContentHash?: string;
}

export type ChildResult =
  | { unchanged: true; contentHash: string }
  | {
      unchanged: false;
      hash: string;
      contentHash: string;
      builtAt: string;
      /** File name in the state dir holding the gzipped inventory JSON. */
      file: string;
      packages: number;
      unknowns: number;
      gzipBytes: number;
    };

/**
 * Builds the inventory in a short-lived child process: the catalogers, their parsers and the walk's
 * index live and die there, so the long-running agent stays small between check-ins (and a cataloger
 * that runs out of memory ends the child, not the agent). SIGTERM to the agent ends the child too.
 */
export function inventoryInChild(
  self: SelfCommand,
  spec: ChildSpec,
  signal: AbortSignal,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(self.command, [...self.args], {
      env: { ...process.env, [INVENTORY_CHILD_ENV]: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out = (out + b.toString('utf8')).slice(-MAX_CHILD_OUTPUT)));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-MAX_CHILD_OUTPUT)));
    child.once('error', reject);
    child.once('close', (code, sig) => {
      if (code !== 0)
        return reject(new Error(`inventory process ended ${sig ?? `with ${code}`}: ${lastLine(err)}`));
      try {
        resolve(JSON.parse(lastLine(out)) as ChildResult);
      } catch {
        reject(new Error(`inventory process printed no result: ${lastLine(err)}`));
      }
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
