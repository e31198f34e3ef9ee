import { VigilError } from '../core/errors/vigil-error.js';

/** Tags outside AWS's limits (so tags copied from or to a cloud account always fit): HTTP 400. */
export class InvalidTagsError extends VigilError {
  constructor(key: string) {
    super('INVALID_TAGS', 'tag keys are 1–128 characters, values at most 256', { key });
  }
}
