import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isSea } from 'node:sea';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import { AGENT_DEFAULTS, parseDuration, parseServerUrl, type AgentConfig } from '../../agent/agent-config.js';
import { INVENTORY_CHILD_ENV } from '../../agent/agent-limits.js';
import type { SelfCommand } from '../../agent/inventory-child.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';

interface AgentFlags {
  server: string;
  enrollToken?: string;
  enrollTokenFile?: string;
  forgetToken?: boolean;
  root: string;
  interval: string;
  stateDir: string;
  caFile?: string;
  proxy?: string;
  insecure?: boolean;
  maxBackoff: string;
  timeout: string;
  once?: boolean;
  networkFacts: boolean;
  instanceId?: string;
  instanceIdFile?: string;
}

/** After SIGTERM/SIGINT the current request is abandoned; a still-running inventory gets this long to end. */
const STOP_GRACE_MS = 3000;

/** `vigil agent`: flags only; the agent's code loads when it runs (nothing of the server, Fastify or reports). */
export function registerAgentCommand(program: Command, io: CliIo): void {
  configureAgentCommand(program.command('agent'), io, program.version() ?? '0.0.0');
}

/** The agent's flags and action on any command: `vigil agent` and the standalone `vigil-agent` executable. */
export function configureAgentCommand(cmd: Command, io: CliIo, version: string): Command {
  return cmd
    .description('enroll this host with a vigil server and report its inventory until stopped')
    .requiredOption('--server <url>', 'the vigil server, e.g. https://vigil.example:8080')
    .option('--enroll-token-file <file>', 'file holding the enrollment token (read on every enrollment)')
    .option(
      '--enroll-token <token>',
      'enrollment token (visible in ps: prefer the file or VIGIL_ENROLL_TOKEN)',
    )
    .option('--forget-token', 'do not keep the token in the state dir (a revoked key then needs a new token)')
    .option('--root <dir>', 'inventory this mounted root filesystem instead of /', AGENT_DEFAULTS.root)
    .option('--interval <duration>', 'check-in interval until the server sets one', AGENT_DEFAULTS.interval)
    .option('--state-dir <dir>', 'host key, token, spool (created 0700)', AGENT_DEFAULTS.stateDir)
    .option('--ca-file <file>', 'PEM CA bundle to trust for https:// (a private CA)')
    .option('--proxy <url>', 'HTTP(S) proxy (default: HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY)')
    .option('--insecure', 'allow plain http:// to a server that is not on this machine')
    .option('--max-backoff <duration>', 'longest wait between retries', AGENT_DEFAULTS.maxBackoff)
    .option('--timeout <duration>', 'per-request timeout', AGENT_DEFAULTS.timeout)
    .option('--once', 'run one check-in cycle and exit (1 if it failed)')
    .option(
      '--no-network-facts',
      'do not send sockets, firewall and routes (they are always those of the network namespace the agent runs in, whatever --root)',
    )
    .option('--instance-id <id>', 'this host’s cloud instance id (i-…), to join the account’s cloud network')
    .option('--instance-id-file <file>', 'file holding the instance id (read at every check-in)')
    .action(async (flags: AgentFlags) => {
      const childSpec = process.env[INVENTORY_CHILD_ENV];
      if (childSpec) {
        // The agent started this process to build one inventory (inventory-child.ts); it exits after.
        const { runInventoryChild } = await import('../../agent/inventory-child-main.js');
        return runInventoryChild(childSpec, io.stdout);
      }
      const config = agentConfigOf(flags, version, process.env);
      const { runAgent } = await import('../../agent/agent-runner.js');
      const { jsonLineLog } = await import('../../agent/agent-log.js');
      const ac = new AbortController();
      const stop = (): void => {
        ac.abort();
        setTimeout(() => process.exit(EXIT.OK), STOP_GRACE_MS).unref();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      const ok = await runAgent(config, jsonLineLog(io.stderr), ac.signal);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      if (!ok && !ac.signal.aborted) io.exitCode = EXIT.FATAL;
    });
}

export function agentConfigOf(flags: AgentFlags, version: string, env: NodeJS.ProcessEnv): AgentConfig {
  const root = resolve(flags.root);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--root ${flags.root} is not a directory`);
  const token = flags.enrollToken ?? (env['VIGIL_ENROLL_TOKEN'] || undefined);
  if (flags.instanceId !== undefined && !/^i-[0-9a-f]{8,32}$/.test(flags.instanceId))
    throw new UsageError(
      `--instance-id expects an EC2 instance id like i-0123456789abcdef0, got "${flags.instanceId}"`,
    );
  return {
    server: parseServerUrl(flags.server),
    root,
    stateDir: resolve(flags.stateDir),
    intervalMs: parseDuration(flags.interval, '--interval'),
    maxBackoffMs: parseDuration(flags.maxBackoff, '--max-backoff'),
    timeoutMs: parseDuration(flags.timeout, '--timeout'),
    fullInventoryEveryMs: AGENT_DEFAULTS.fullInventoryEveryMs,
    forgetToken: flags.forgetToken === true,
    insecure: flags.insecure === true,
    agentVersion: version,
    spool: AGENT_DEFAULTS.spool,
    maxAnswerBytes: AGENT_DEFAULTS.maxAnswerBytes,
    once: flags.once === true,
    self: selfCommand(),
    networkFacts: flags.networkFacts,
    ...(flags.instanceId ? { instanceId: flags.instanceId } : {}),
    ...(flags.instanceIdFile ? { instanceIdFile: resolve(flags.instanceIdFile) } : {}),
    ...(token ? { token } : {}),
    ...(flags.enrollTokenFile ? { tokenFile: resolve(flags.enrollTokenFile) } : {}),
    ...(flags.caFile ? { caFile: resolve(flags.caFile) } : {}),
    ...(flags.proxy ? { proxy: flags.proxy } : {}),
  };
}

/** This very command line again: the single executable with its arguments, or node + script + arguments. */
function selfCommand(): SelfCommand {
  if (isSea()) return { command: process.execPath, args: process.argv.slice(2) };
  return { command: process.execPath, args: [...process.execArgv, ...process.argv.slice(1)] };
}
