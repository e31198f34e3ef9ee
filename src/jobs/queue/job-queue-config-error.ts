import { VigilError } from '../../core/errors/vigil-error.js';

/** A job queue asked for where it cannot run (pg-boss on SQLite). */
export class JobQueueConfigError extends VigilError {
  constructor(message: string) {
    super('JOB_QUEUE_CONFIG', message);
  }
}
