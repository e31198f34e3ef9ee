import { VigilError } from '../../core/errors/vigil-error.js';

/** No benchmark (or no check set for a level/profile) by that name. */
export class UnknownBenchmarkError extends VigilError {
  constructor(id: string, known: readonly string[]) {
    super('BENCHMARK_UNKNOWN', `unknown benchmark "${id}" (known: ${known.join(', ')})`, { id, known });
  }
}
