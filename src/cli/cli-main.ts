import { Command, CommanderError } from 'commander';
import { isVigilError } from '../core/errors/vigil-error.js';
import { printable } from '../core/json-error-reason.js';
import { processIo, type CliIo } from './cli-io.js';
import { registerAssessCommand } from './commands/assess-command.js';
import { registerDbCommand } from './commands/db-command.js';
import { registerSbomCommand } from './commands/sbom-command.js';
import { registerScanCommand } from './commands/scan-command.js';
import { EXIT } from './exit-codes.js';
import { registerAdminCommand } from './commands/admin-command.js';
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
];

export function buildProgram(io: CliIo): Command {
  const program = new Command('vigil')
    .description('vigil: vulnerability management for Linux hosts and container images')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI and returns the exit code; the only place errors become exit codes. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return io.exitCode ?? EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT.OK; // --help, --version
      return EXIT.USAGE;
    }
    if (isVigilError(err)) {
      io.stderr.write(`vigil: error [${err.code}]: ${err.message}\n`);
      return err.code === 'USAGE' ? EXIT.USAGE : EXIT.FATAL;
    }
    // A bug, not bad input (bad input is a coded VigilError): one line, no stack unless asked for,
    // and never raw bytes the message may quote.
    const debug = process.env['VIGIL_DEBUG'] === '1' && err instanceof Error;
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    io.stderr.write(`vigil: internal error: ${printable(text, 300)}${debug ? `\n${err.stack ?? ''}` : ''}\n`);
    return EXIT.FATAL;
  }
}
