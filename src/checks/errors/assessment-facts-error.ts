import { VigilError } from '../../core/errors/vigil-error.js';

/** A facts document (from an agent, a file) does not follow the assessment facts schema. */
export class AssessmentFactsError extends VigilError {
  constructor(problems: readonly string[]) {
    super('ASSESSMENT_FACTS_INVALID', `assessment facts are invalid: ${problems.slice(0, 5).join('; ')}`, {
      problems,
    });
  }
}
