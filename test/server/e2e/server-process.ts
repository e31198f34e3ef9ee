import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, buildCli, REPO, runCli } from '../../cli/built-cli.js';

export interface ServerProcess {
  base: string;
  /** The server's process id (for a test's `kill -9`). */
  pid: number | undefined;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, then the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
}

/**
 * The first admin key, made the only way a real operator can: `vigil admin create-key` on the service
 * database (the account is created if new). The key is the one line on stdout.
 */
export async function createFirstKey(database: string, account: string): Promise<string> {
  await buildCli();
  const r = await runCli([
    'admin',
    'create-key',
    '--account',
    account,
    '--role',
    'admin',
    '--database',
    database,
  ]);
  if (r.code !== 0) throw new Error(`vigil admin create-key exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * `node bin/vigil.js server --port 0 …` as a child process; resolves with the address it prints on
 * stderr ("vigil server listening on http://…"), so the test talks to exactly what a user runs.
 */
export async function startServerProcess(
  args: readonly string[],
  /** A command the server runs under (`ip netns exec NS`, say); none by default. */
  launcher: readonly string[] = [],
): Promise<ServerProcess> {
  await buildCli();
  const argv = [...launcher, process.execPath, BIN, 'server', '--port', '0', ...args];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no "listening on" line within 120 s')), 120_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\nserver stderr:\n${err}`));
    };
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('error', fail);
    void exited.then((code) => fail(new Error(`server exited ${code} before listening`)));
  });
  return {
    base,
    pid: child.pid,
    stderr: () => err,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  return exited;
}
