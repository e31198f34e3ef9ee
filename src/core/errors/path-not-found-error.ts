import { VigilError } from './vigil-error.js';

/** A path asked of a Resolver does not exist inside its root. */
export class PathNotFoundError extends VigilError {
  constructor(path: string) {
    super('PATH_NOT_FOUND', `no such file inside the scanned root: ${path}`, { path });
  }
}
