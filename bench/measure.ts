import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface Measurement {
  wallMs: number;
  /** Peak resident set size of the process (kbytes), as the kernel counted it. */
  peakRssKb: number;
  /** User + system CPU time (GNU time only; NaN without it): steadier than wall on a shared machine. */
  cpuMs: number;
  exitCode: number | null;
}

export interface CommandSpec {
  argv: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command once with its output discarded. Peak RSS comes from GNU time's `-v` report (the
 * kernel's ru_maxrss of the child) when /usr/bin/time exists, else from polling /proc/PID/status
 * VmHWM, which can miss growth in the last poll interval. Wall time is measured here around spawn.
 */
export async function measureOnce(cmd: CommandSpec): Promise<Measurement> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? [GNU_TIME, '-v', ...cmd.argv] : [...cmd.argv];
  const started = process.hrtime.bigint();
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: cmd.cwd,
    env: cmd.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const err: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let polledKb = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => (polledKb = Math.max(polledKb, vmHwmKb(child.pid))), 20);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (poll) clearInterval(poll);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const report = Buffer.concat(err).toString('utf8');
  const peakRssKb = useTime
    ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? 0)
    : polledKb;
  const cpuMs = useTime ? 1000 * (secondsOf(report, 'User time') + secondsOf(report, 'System time')) : NaN;
  // GNU time exits with the child's status; a failed run is reported, never silently measured.
  if (exitCode !== 0) throw new Error(`${cmd.argv.join(' ')} exited ${exitCode}:\n${report.slice(-2000)}`);
  return { wallMs, peakRssKb, cpuMs, exitCode };
}

function secondsOf(report: string, field: string): number {
  return Number(new RegExp(`${field} \\(seconds\\): ([\\d.]+)`).exec(report)?.[1] ?? NaN);
}

function vmHwmKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface Comparison {
  [tool: string]: { wallMs: number; peakRssKb: number; cpuMs: number };
}

/**
 * Median of `runs` measurements per command. The commands take turns run by run, so drift in the
 * machine's load (page cache, other work) falls on every tool alike; one unmeasured warm-up run each
 * first, so no tool pays alone for a cold page cache.
 */
export async function compareMedians(cmds: Record<string, CommandSpec>, runs: number): Promise<Comparison> {
  const samples: Record<string, Measurement[]> = {};
  for (const [tool, cmd] of Object.entries(cmds)) {
    await measureOnce(cmd);
    samples[tool] = [];
  }
  for (let i = 0; i < runs; i++) {
    for (const [tool, cmd] of Object.entries(cmds)) samples[tool]?.push(await measureOnce(cmd));
  }
  const out: Comparison = {};
  for (const [tool, ms] of Object.entries(samples)) {
    out[tool] = {
      wallMs: median(ms.map((m) => m.wallMs)),
      peakRssKb: median(ms.map((m) => m.peakRssKb)),
      cpuMs: median(ms.map((m) => m.cpuMs)),
    };
  }
  return out;
}
