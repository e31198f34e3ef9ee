import { VigilError } from './vigil-error.js';

/** A file is larger than the configured read limit; catalogers record it as an unknown and move on. */
export class FileTooLargeError extends VigilError {
  constructor(path: string, size: number, limit: number) {
    super('FILE_TOO_LARGE', `${path} is ${size} bytes, over the ${limit}-byte limit`, { path, size, limit });
  }
}
