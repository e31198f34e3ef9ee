import { Command } from 'commander';
import { processIo, type CliIo } from './cli-io.js';
import { registerAssessCommand } from './commands/assess-command.js';
import { registerDbCommand } from './commands/db-command.js';
import { registerSbomCommand } from './commands/sbom-command.js';
import { registerScanCommand } from './commands/scan-command.js';
import { runProgram } from './program-runner.js';
import { VIGIL_VERSION } from './vigil-version.js';
import { registerAdminCommand } from './commands/admin-command.js';
import { registerAgentCommand } from './commands/agent-command.js';
import { registerApplyCommand } from './commands/apply-command.js';
import { registerServerCommand } from './commands/server-command.js';

/** A command module adds its subcommand to the program; the list below is every command vigil has. */
export type CommandRegistrar = (program: Command, io: CliIo) => void;

const COMMANDS: readonly CommandRegistrar[] = [
  registerSbomCommand,
  registerScanCommand,
  registerAssessCommand,
  registerDbCommand,
  registerServerCommand,
  registerAdminCommand,
  registerAgentCommand,
  registerApplyCommand,
];

export function buildProgram(io: CliIo): Command {
  const program = new Command('vigil')
    .description('vigil: vulnerability management for Linux hosts and container images')
    .version(VIGIL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI and returns the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(buildProgram(io), argv, io);
}
