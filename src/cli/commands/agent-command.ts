import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isSea } from 'node:sea';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import { AGENT_DEFAULTS, parseDuration, parseServerUrl, type AgentConfig } from '../../agent/agent-config.js';
import { AGENT_SETTINGS } from '../config/agent-settings.js';
import { addSettingOptions, loadSettings } from '../config/setting-options.js';
import type { ResolvedSettings } from '../config/settings-resolve.js';
import { INVENTORY_CHILD_ENV } from '../../agent/agent-limits.js';
import type { SelfCommand } from '../../agent/inventory-child.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';

/** After SIGTERM/SIGINT the current request is abandoned; a still-running inventory gets this long to end. */
const STOP_GRACE_MS = 3000;

/** `vigil agent`: its options come from the settings table (config/agent-settings.ts); the agent's code loads when it runs (nothing of the server, Fastify or reports). */
export function registerAgentCommand(program: Command, io: CliIo): void {
  configureAgentCommand(program.command('agent'), io, program.version() ?? '0.0.0');
}

/** The agent's flags and action on any command: `vigil agent` and the standalone `vigil-agent` executable. */
export function configureAgentCommand(cmd: Command, io: CliIo, version: string): Command {
  cmd.description('enroll this host with a vigil server and report its inventory until stopped');
  return addSettingOptions(cmd, AGENT_SETTINGS).action(async (_opts: unknown, self: Command) => {
    const childSpec = process.env[INVENTORY_CHILD_ENV];
    if (childSpec) {
      // The agent started this process to build one inventory (inventory-child.ts); it exits after.
      const { runInventoryChild } = await import('../../agent/inventory-child-main.js');
      return runInventoryChild(childSpec, io.stdout);
    }
    const { settings, printed } = await loadSettings(self, AGENT_SETTINGS, io);
    if (printed) return;
    const config = agentConfigOf(settings, version);
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

/** The agent's run configuration from its merged settings (flags, environment, config file, defaults). */
export function agentConfigOf(
  settings: ResolvedSettings<typeof AGENT_SETTINGS>,
  version: string,
): AgentConfig {
  const s = settings.values;
  const root = resolve(s.root);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--root ${s.root} is not a directory`);
  const tokenFile = settings.rows.enrollToken.valueFile;
  const instanceIdFile = settings.rows.instanceId.valueFile;
  return {
    server: parseServerUrl(s.server),
    root,
    stateDir: resolve(s.stateDir),
    intervalMs: parseDuration(s.interval, '--interval'),
    maxBackoffMs: parseDuration(s.maxBackoff, '--max-backoff'),
    timeoutMs: parseDuration(s.timeout, '--timeout'),
    fullInventoryEveryMs: AGENT_DEFAULTS.fullInventoryEveryMs,
    forgetToken: s.forgetToken,
    insecure: s.insecure,
    agentVersion: version,
    spool: AGENT_DEFAULTS.spool,
    maxAnswerBytes: AGENT_DEFAULTS.maxAnswerBytes,
    once: s.once,
    self: selfCommand(),
    networkFacts: s.networkFacts,
    ...(s.instanceId ? { instanceId: s.instanceId } : {}),
    ...(instanceIdFile ? { instanceIdFile: resolve(instanceIdFile) } : {}),
    ...(s.enrollToken ? { token: s.enrollToken } : {}),
    ...(tokenFile ? { tokenFile: resolve(tokenFile) } : {}),
    ...(s.caFile ? { caFile: resolve(s.caFile) } : {}),
    ...(s.proxy ? { proxy: s.proxy } : {}),
  };
}

/** This very command line again: the single executable with its arguments, or node + script + arguments. */
function selfCommand(): SelfCommand {
  if (isSea()) return { command: process.execPath, args: process.argv.slice(2) };
  return { command: process.execPath, args: [...process.execArgv, ...process.argv.slice(1)] };
}
