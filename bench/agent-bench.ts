import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchOptions, BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { median, measureOnce } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const LAUNCHER = join(REPO, 'build/agent/vigil-agent/bin/vigil-agent');
const CLK_TCK = 100;
const HEARTBEATS = 20;

/**
 * The agent's own costs (issue 12: idle RSS ≤ 60 MiB, a check-in with no package change ≤ 0.2 s CPU)
 * for the shipped artifact (`npm run build:agent`) and for `node bin/vigil.js agent`, each against the
 * test stand-in server on 127.0.0.1, on the cached bookworm minbase rootfs (read only: the agent writes
 * only its state dir); and a full inventory of that rootfs by the agent's inventory child process.
 */
export const agentBench: BenchSuite = {
  name: 'agent',
  description: 'vigil agent: idle RSS, CPU per unchanged check-in, full inventory of a minbase rootfs',
  async run(opts: BenchOptions): Promise<BenchReport> {
    const build = fromTestFixtures(
      "import { agentArtifact } from './test/agent/fixtures/agent-artifact.ts'; console.log(await agentArtifact());",
    );
    const rootfs = fromTestFixtures(
      "import { debianRootfs } from './test/fixtures/debian-rootfs.ts'; console.log(await debianRootfs({ suite: 'bookworm' }));",
    );
    if ('error' in build || 'error' in rootfs) {
      const why = 'error' in build ? build.error : 'error' in rootfs ? rootfs.error : '';
      return { title: 'agent', rows: [{ workload: 'agent', results: [], skipped: why }], notes: [] };
    }
    const root = rootfs.out.split('\n').at(-1) ?? '';
    const server = await startStandIn();
    try {
      const rows: BenchRow[] = [];
      const notes: string[] = [];
      for (const [tool, argv] of [
        ['artifact', [LAUNCHER]],
        ['vigil agent', [process.execPath, join(REPO, 'bin/vigil.js'), 'agent']],
      ] as const) {
        const r = await idleAndHeartbeat([...argv], root, server);
        rows.push({
          workload: `idle after ${HEARTBEATS} unchanged check-ins`,
          results: [
            {
              tool,
              wallMs: r.cpuMsPerCheckin,
              peakRssKb: r.rssKb,
              note: 'wall column: CPU ms per check-in; RSS: now, idle',
            },
          ],
        });
        notes.push(
          `${tool}: idle RSS ${(r.rssKb / 1024).toFixed(1)} MiB, ${r.cpuMsPerCheckin.toFixed(1)} ms CPU per unchanged check-in`,
        );
      }
      rows.push(await fullInventory(root, opts.runs));
      notes.push(
        'full inventory: the agent inventory child (catalogers, walk, gzip, atomic write) on the bookworm minbase rootfs',
      );
      return {
        title: `agent: stand-in server on 127.0.0.1, interval 1 s; inventory median of ${opts.runs} runs`,
        rows,
        notes,
      };
    } finally {
      server.child.kill('SIGTERM');
    }
  },
};

interface StandIn {
  child: ChildProcess;
  base: string;
  token: string;
}

/** The contract stand-in from the agent tests, in its own process (bench code never imports tests). */
async function startStandIn(): Promise<StandIn> {
  const script =
    "import { ContractServer } from './test/agent/fixtures/contract-server.ts';" +
    'const s = new ContractServer(); await s.start();' +
    "console.log(JSON.stringify({ base: s.base, token: s.createToken('bench', { maxUses: 100 }) }));";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (b: Buffer) => resolve(b.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`stand-in exited ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { base: string; token: string }) };
}

async function idleAndHeartbeat(
  argv: string[],
  root: string,
  s: StandIn,
): Promise<{ rssKb: number; cpuMsPerCheckin: number }> {
  const state = mkdtempSync(join(tmpdir(), 'vigil-bench-agent-'));
  const child = spawn(
    argv[0] as string,
    [...argv.slice(1), '--server', s.base, '--root', root, '--state-dir', state, '--interval', '1s'],
    {
      env: { ...process.env, VIGIL_ENROLL_TOKEN: s.token },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr?.on('data', (b: Buffer) => (log += b.toString('utf8')));
  const heartbeats = (): number => log.split('\n').filter((l) => l.includes('"kind":"heartbeat"')).length;
  try {
    await until(() => heartbeats() >= 2);
    const cpu0 = cpuTicks(child.pid);
    const n0 = heartbeats();
    await until(() => heartbeats() >= n0 + HEARTBEATS);
    const cpuMsPerCheckin = ((cpuTicks(child.pid) - cpu0) * (1000 / CLK_TCK)) / (heartbeats() - n0);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
    return { rssKb, cpuMsPerCheckin };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(state, { recursive: true, force: true });
  }
}

async function fullInventory(root: string, runs: number): Promise<BenchRow> {
  const state = mkdtempSync(join(tmpdir(), 'vigil-bench-inv-'));
  const spec = JSON.stringify({ root, hostname: 'bench', stateDir: state });
  const cmd = {
    argv: [LAUNCHER, '--server', 'http://127.0.0.1:9'],
    env: { ...process.env, VIGIL_AGENT_INVENTORY_CHILD: spec },
  };
  try {
    await measureOnce(cmd);
    const ms = [];
    for (let i = 0; i < runs; i++) ms.push(await measureOnce(cmd));
    return {
      workload: 'full inventory, bookworm minbase',
      results: [
        {
          tool: 'artifact',
          wallMs: median(ms.map((m) => m.wallMs)),
          peakRssKb: median(ms.map((m) => m.peakRssKb)),
          note: 'inventory child process',
        },
      ],
    };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

function cpuTicks(pid: number | undefined): number {
  // /proc/PID/stat fields 14 and 15: utime and stime in clock ticks (after the parenthesized name).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function until(ok: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('agent did not check in in time');
    await sleep(100);
  }
}
