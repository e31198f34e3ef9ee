import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsModelsDir } from '../../../src/server/inspector2/inspector2-model.js';
import { MissingToolError, requireTool } from '../../fixtures/required-tool.js';

/**
 * The real AWS clients the Inspector2 tests drive: the AWS CLI and botocore, whichever this machine
 * has (a newer pip/pyenv install on PATH first, else Debian's awscli / python3-botocore), always
 * with vigil's checked copy of the inspector2 model (AWS_DATA_PATH), so every client sees the same
 * operations. Nothing of the machine's AWS setup leaks in: the environment is built from scratch
 * (HOME, config and credentials files in a temp dir, no IMDS, no proxy, one attempt per call).
 */
export interface AwsCreds {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI's rendering of a service error, exactly as it prints AWS's own. */
export interface CliError {
  exception: string;
  operation: string;
  message: string;
}

export type BotoResult<T = unknown> =
  { ok: true; result: T } | { ok: false; code: string; message: string; status: number };

const SCRIPT = join(import.meta.dirname, 'testdata', 'botocore-client.py');

function runs(cmd: string, args: readonly string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** `aws` on PATH (or VIGIL_AWS_CLI); a missing one fails the test naming Debian's awscli. */
export function findAwsCli(): string {
  const cli = process.env['VIGIL_AWS_CLI'] ?? requireTool('aws', 'awscli');
  if (!runs(cli, ['--version'])) throw new MissingToolError('aws (working)', 'awscli');
  return cli;
}

/** A python3 that imports botocore (VIGIL_BOTOCORE_PYTHON, PATH's, then Debian's). */
export function findBotocorePython(): string {
  const candidates = [process.env['VIGIL_BOTOCORE_PYTHON'], 'python3', '/usr/bin/python3'];
  const found = candidates.find((p) => p !== undefined && runs(p, ['-c', 'import botocore']));
  if (!found) throw new MissingToolError('python3 with botocore', 'python3-botocore');
  return found;
}

export class AwsClients {
  private readonly home = mkdtempSync(join(tmpdir(), 'vigil-aws-home-'));

  constructor(
    readonly cliPath: string,
    readonly python: string,
    readonly endpoint: string,
  ) {
    writeFileSync(join(this.home, 'config'), '');
    writeFileSync(join(this.home, 'credentials'), '');
  }

  static find(endpoint: string): AwsClients {
    return new AwsClients(findAwsCli(), findBotocorePython(), endpoint);
  }

  env(creds: AwsCreds): NodeJS.ProcessEnv {
    return {
      PATH: process.env['PATH'],
      HOME: this.home,
      LANG: 'C.UTF-8',
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_CONFIG_FILE: join(this.home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DATA_PATH: awsModelsDir(),
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
      NO_PROXY: '*',
    };
  }

  private run(
    cmd: string,
    args: readonly string[],
    creds: AwsCreds,
    prefix: readonly string[] = [],
  ): Promise<Run> {
    const argv = [...prefix, cmd, ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0] ?? cmd, argv.slice(1), {
        env: this.env(creds),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
      );
    });
  }

  /**
   * `aws inspector2 ARGS --endpoint-url … --region any --output json`; `prefix` runs the CLI under
   * another command (`['faketime', '-f', '-20m']`: a client whose clock is 20 minutes behind).
   */
  cliRun(creds: AwsCreds, args: readonly string[], prefix: readonly string[] = []): Promise<Run> {
    const all = [
      'inspector2',
      ...args,
      '--endpoint-url',
      this.endpoint,
      '--region',
      'any',
      '--output',
      'json',
    ];
    return this.run(this.cliPath, all, creds, prefix);
  }

  async cli<T = Record<string, unknown>>(creds: AwsCreds, args: readonly string[]): Promise<T> {
    const r = await this.cliRun(creds, args);
    if (r.code !== 0) throw new Error(`aws inspector2 ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
  }

  /** A call that must fail; its error as the CLI printed it ("An error occurred (X) when calling …"). */
  async cliError(
    creds: AwsCreds,
    args: readonly string[],
    prefix: readonly string[] = [],
  ): Promise<CliError> {
    const r = await this.cliRun(creds, args, prefix);
    // Older botocore (Debian's 1.29) says "operation (reached max retries: 0): …" under AWS_MAX_ATTEMPTS.
    const m =
      /An error occurred \((\w+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/.exec(
        r.stderr,
      );
    if (r.code === 0 || !m)
      throw new Error(
        `aws inspector2 ${args.join(' ')}: expected an error, got ${r.code}: ${r.stderr}${r.stdout}`,
      );
    return { exception: m[1] ?? '', operation: m[2] ?? '', message: (m[3] ?? '').trim() };
  }

  async boto<T = unknown>(creds: AwsCreds, request: Record<string, unknown>): Promise<BotoResult<T>> {
    const r = await this.run(this.python, [SCRIPT, this.endpoint, JSON.stringify(request)], creds);
    if (r.code !== 0) throw new Error(`botocore client exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as BotoResult<T>;
  }

  async botoOk<T = unknown>(creds: AwsCreds, request: Record<string, unknown>): Promise<T> {
    const r = await this.boto<T>(creds, request);
    if (!r.ok) throw new Error(`botocore ${JSON.stringify(request).slice(0, 200)}: ${r.code} ${r.message}`);
    return r.result;
  }
}

/** The two lines `vigil admin create-key --format aws` prints. */
export function parseAwsCreds(stdout: string): AwsCreds {
  const id = /^AWS_ACCESS_KEY_ID=(\S+)$/m.exec(stdout)?.[1];
  const secret = /^AWS_SECRET_ACCESS_KEY=(\S+)$/m.exec(stdout)?.[1];
  if (!id || !secret) throw new Error(`no AWS credentials in: ${stdout}`);
  return { accessKeyId: id, secretAccessKey: secret };
}
