import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { BIN, REPO } from '../../cli/built-cli.js';

/**
 * One vigil process of a scaled-out deployment (`vigil server --role …`, `vigil worker`), spawned from
 * the built CLI as a user runs it: its stderr is kept, so a test can wait for what it says.
 */
export class RoleProcess {
  private readonly child: ChildProcessByStdio<null, null, Readable>;
  private output = '';
  private readonly waiters = new Set<() => void>();
  /** Settles with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    args: readonly string[],
  ) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr.on('data', (b: Buffer) => {
      this.output += b.toString('utf8');
      for (const w of this.waiters) w();
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        for (const w of this.waiters) w();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stderr(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How often `pattern` occurs in what the process said so far. */
  count(pattern: RegExp): number {
    return [...this.output.matchAll(new RegExp(pattern.source, 'g'))].length;
  }

  /** Resolves once the process has said `pattern` `times` times; rejects if it exits first or after `ms`. */
  async waitFor(pattern: RegExp, ms: number, times = 1): Promise<string> {
    const found = (): RegExpExecArray | undefined =>
      this.count(pattern) >= times ? (pattern.exec(this.output) ?? undefined) : undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('timed out')), ms);
      const check = (): void => {
        if (found()) done();
        else if (!this.running) done(new Error(`exited (${this.child.exitCode ?? this.child.signalCode})`));
      };
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(new Error(`${this.name}: ${err.message} waiting for ${pattern}:\n${this.output}`));
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
    return found()?.[1] ?? '';
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }
}

/** Kills whatever is still running (a failed test must not leave processes behind). */
export async function killAll(procs: readonly RoleProcess[]): Promise<void> {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}

/** For onTestFailed: what each process said last (a crash in one of them shows here). */
export function printProcessTails(procs: readonly RoleProcess[]): void {
  for (const p of procs)
    process.stderr.write(`--- ${p.name} (pid ${p.pid}, running ${p.running})\n${p.stderr.slice(-3000)}\n`);
}
