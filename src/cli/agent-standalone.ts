import { Command } from 'commander';
import { processIo } from './cli-io.js';
import { configureAgentCommand } from './commands/agent-command.js';
import { runProgram } from './program-runner.js';
import { VIGIL_VERSION } from './vigil-version.js';

/**
 * Entry of the standalone `vigil-agent` executable (`npm run build:agent`): only the agent command,
 * so the bundle holds the agent, the inventory path and undici, and nothing of the server or reports.
 * `vigil-agent --server URL …` takes exactly the flags of `vigil agent`.
 */
async function standalone(): Promise<void> {
  const io = processIo();
  const program = new Command('vigil-agent')
    .version(VIGIL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  configureAgentCommand(program, io, VIGIL_VERSION);
  process.exitCode = await runProgram(program, process.argv, io);
}

void standalone();
