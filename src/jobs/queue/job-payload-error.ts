import { VigilError } from '../../core/errors/vigil-error.js';

/** A job's payload is not what its type takes: the job fails (and is dead-lettered after its retries). */
export class JobPayloadError extends VigilError {
  constructor(type: string, reason: string) {
    super('JOB_PAYLOAD_INVALID', `${type} job: ${reason}`, { type });
  }
}
