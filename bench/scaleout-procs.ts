import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = `${REPO}bin/vigil.js`;
/** Clock ticks per second of /proc/PID/stat (USER_HZ: 100 on Linux everywhere that matters). */
const TICKS = 100;

/**
 * One vigil process of the scaled-out deployment, spawned from the built CLI (`npm run bench` builds
 * dist first) as an operator runs it; its stderr is kept so the bench can wait for what it says.
 */
export class BenchProcess {
  private readonly child: ChildProcessByStdio<null, null, Readable>;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: readonly string[],
  ) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr.on('data', (b: Buffer) => {
      // Keep the tail only: a long run logs a lot, and only the start line and a failure matter.
      this.output = (this.output + b.toString('utf8')).slice(-20_000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Waits until the process said `pattern` (its first group is returned); fails if it exits or after `ms`. */
  async waitFor(pattern: RegExp, ms: number): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) return m[1] ?? '';
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `${this.name}: no ${pattern} (exit ${this.child.exitCode}):\n${this.output.slice(-3000)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 20 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** user + system CPU seconds of a process (all its threads); with `children`, of its reaped children too. */
function cpuOf(pid: number, children = false): number {
  try {
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number): number => Number(f[i - 3] ?? 0);
    return (ticks(14) + ticks(15) + (children ? ticks(16) + ticks(17) : 0)) / TICKS;
  } catch {
    return 0; // exited meanwhile
  }
}

function parentOf(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/**
 * CPU seconds of the whole PostgreSQL cluster so far: the postmaster, its live backends, and the
 * backends that ended (their time is added to the postmaster's children's time when it reaps them).
 */
export function postgresCpu(postmasterPid: number): number {
  let total = cpuOf(postmasterPid, true);
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)))
    if (parentOf(pid) === postmasterPid) total += cpuOf(Number(pid));
  return total;
}

/** The postmaster of a bench cluster: bench/service-postgres.ts keeps its data in `<socket dir>/data`. */
export function findPostmaster(socketDir: string): number {
  return Number(readFileSync(`${socketDir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
}

/** CPU seconds per named process (node processes, and `postgres` for the cluster). */
export type CpuSample = Record<string, number>;

export function sampleCpu(procs: readonly BenchProcess[], postmasterPid: number): CpuSample {
  const out: CpuSample = { postgres: postgresCpu(postmasterPid) };
  for (const p of procs) out[p.name] = cpuOf(p.pid);
  return out;
}

/** CPU used per process between two samples, "name 1.2 s" joined; and the total. */
export function cpuDelta(a: CpuSample, b: CpuSample): { total: number; text: string } {
  let total = 0;
  const parts: string[] = [];
  for (const [name, end] of Object.entries(b)) {
    const used = end - (a[name] ?? 0);
    total += used;
    parts.push(`${name} ${used.toFixed(1)} s`);
  }
  return { total, text: parts.join(', ') };
}

/** Peak RSS of a live process (VmHWM, kB); 0 once it exited. */
export function peakRssOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}
