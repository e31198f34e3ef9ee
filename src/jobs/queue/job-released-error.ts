import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * Thrown by a handler that let go of its job because the process stops (its row is back where another
 * consumer claims it): the queue hands the job on at once, and the release is no failed attempt.
 */
export class JobReleasedError extends VigilError {
  constructor(type: string, jobId: string) {
    super('JOB_RELEASED', `${type} job ${jobId} released: the process stops`, { type, jobId });
  }
}
