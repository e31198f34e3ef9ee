import { VigilError } from '../../core/errors/vigil-error.js';

/** An agent's assessment facts exceed what the server keeps for one host. */
export class AssessmentFactsTooLargeError extends VigilError {
  constructor(bytes: number, limit: number) {
    super('ASSESSMENT_FACTS_TOO_LARGE', `assessment facts of ${bytes} bytes exceed the limit of ${limit}`, {
      bytes,
      limit,
    });
  }
}
