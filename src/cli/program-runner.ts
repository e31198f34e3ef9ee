import { CommanderError, type Command } from 'commander';
import { isVigilError } from '../core/errors/vigil-error.js';
import { printable } from '../core/json-error-reason.js';
import type { CliIo } from './cli-io.js';
import { EXIT } from './exit-codes.js';

/** Errors in what the caller gave: a flag, or a setting from the environment or a config file. */
const USAGE_CODES: ReadonlySet<string> = new Set(['USAGE', 'CONFIG_INVALID']);

/** Parses and runs a program; the only place errors become exit codes (`vigil` and `vigil-agent`). */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
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
      return USAGE_CODES.has(err.code) ? EXIT.USAGE : EXIT.FATAL;
    }
    // A bug, not bad input (bad input is a coded VigilError): one line, no stack unless asked for,
    // and never raw bytes the message may quote.
    const debug = process.env['VIGIL_DEBUG'] === '1' && err instanceof Error;
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    io.stderr.write(`vigil: internal error: ${printable(text, 300)}${debug ? `\n${err.stack ?? ''}` : ''}\n`);
    return EXIT.FATAL;
  }
}
