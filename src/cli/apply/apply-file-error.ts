import { VigilError } from '../../core/errors/vigil-error.js';

/** One problem of an apply file, at its place: `accounts[0].webhooks[1].url` and, when known, its line. */
export interface ApplyFileProblem {
  path: string;
  line?: number;
  message: string;
}

/**
 * An apply file that cannot be applied (not YAML, fails the schema, an unknown key, a duplicate
 * identity, a VEX path that does not exist). Raised before any request that writes, so nothing is
 * applied; the message lists every problem with its path.
 */
export class ApplyFileError extends VigilError {
  readonly problems: readonly ApplyFileProblem[];

  constructor(file: string, problems: readonly ApplyFileProblem[]) {
    const lines = problems.map(
      (p) => `  ${p.path || '(top)'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`,
    );
    super(
      'APPLY_FILE_INVALID',
      `${file} is not a valid apply file; nothing was applied:\n${lines.join('\n')}`,
      {
        file,
        problems,
      },
    );
    this.problems = problems;
  }
}
