import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * Network namespaces a test creates and always removes: names carry a per-run prefix, addresses are in
 * 10.200.0.0/16 only, and every packet is sent from inside a namespace (never from the root one).
 */

/** Tools the network tests drive, with the Debian package that brings each. */
const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  ss: 'iproute2',
  nft: 'nftables',
  nmap: 'nmap',
  socat: 'socat',
  'iptables-legacy-restore': 'iptables',
  'iptables-nft-restore': 'iptables',
  'ip6tables-legacy-restore': 'iptables',
  'ip6tables-nft-restore': 'iptables',
};

const PATHS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Fails loudly, naming the tool and its Debian package, when a tool is missing or we are not root. */
export function requireNetworkTools(tools: readonly string[]): void {
  if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (ip netns add)');
  for (const tool of tools) {
    const found = PATHS.some((p) => {
      try {
        accessSync(`${p}/${tool}`, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    if (!found)
      throw new Error(
        `${tool} is missing: install the Debian package ${TOOL_PACKAGES[tool] ?? tool} (scripts/install-test-deps.sh)`,
      );
  }
}

export function run(
  cmd: string,
  args: readonly string[],
  input?: string,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

let counter = 0;

export class NetnsLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  constructor(tag: string) {
    // Linux interface and namespace names are short: keep the prefix small and unique per run.
    this.prefix = `vg${process.pid.toString(36)}${tag}${(counter++).toString(36)}`;
  }

  name(short: string): string {
    return `${this.prefix}${short}`;
  }

  async addNamespace(short: string): Promise<string> {
    const ns = this.name(short);
    await run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.exec(ns, 'ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** A veth pair between two namespaces, with names as seen inside each. */
  async link(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
    await run('ip', [
      'link',
      'add',
      'name',
      ifA,
      'netns',
      nsA,
      'type',
      'veth',
      'peer',
      'name',
      ifB,
      'netns',
      nsB,
    ]);
    await this.exec(nsA, 'ip', ['link', 'set', ifA, 'up']);
    await this.exec(nsB, 'ip', ['link', 'set', ifB, 'up']);
  }

  exec(
    ns: string,
    cmd: string,
    args: readonly string[],
    input?: string,
    timeoutMs?: number,
  ): Promise<string> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], input, timeoutMs);
  }

  /** A long-running process inside a namespace, killed by cleanup(). */
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const ns of this.namespaces.splice(0)) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
}

/** Reads lines from a child's stdout until one satisfies `done`. */
export function waitForLine(
  child: ChildProcess,
  done: (line: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error('timed out waiting for the child to be ready')),
      timeoutMs,
    );
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      const hit = lines.find(done);
      if (hit !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(hit);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
  });
}
