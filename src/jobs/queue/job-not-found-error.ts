import { VigilError } from '../../core/errors/vigil-error.js';

/** A dead-lettered job that does not exist (or was retried already). */
export class JobNotFoundError extends VigilError {
  constructor(id: string) {
    super('JOB_NOT_FOUND', `no dead-lettered job ${id}`, { id });
  }
}
