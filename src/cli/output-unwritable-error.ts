import { VigilError } from '../core/errors/vigil-error.js';

/** `--output FILE` cannot be written (no such directory, no permission, disk full). CLI exit 1. */
export class OutputUnwritableError extends VigilError {
  constructor(path: string, reason: string) {
    super('OUTPUT_UNWRITABLE', `cannot write ${path}: ${reason}`, { path, reason });
  }
}
