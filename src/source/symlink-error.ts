import { VigilError } from '../core/errors/vigil-error.js';

export type SymlinkProblem = 'symlink-escape' | 'symlink-loop' | 'symlink-broken';

/** A path cannot be followed inside the root: its link climbs out, loops, or points at nothing. */
export class SymlinkError extends VigilError {
  readonly problem: SymlinkProblem;

  constructor(path: string, problem: SymlinkProblem, detail: string) {
    super('SYMLINK_UNRESOLVABLE', `${path}: ${problem} (${detail})`, { path, problem });
    this.problem = problem;
  }
}
