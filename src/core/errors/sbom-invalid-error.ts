import { VigilError } from './vigil-error.js';

/** An SBOM file given to `vigil scan sbom` cannot be read: unreadable, too large, not JSON, unknown format. CLI exit 1. */
export class SbomInvalidError extends VigilError {
  constructor(path: string, reason: string) {
    super('SBOM_INVALID', `cannot read SBOM ${path}: ${reason}`, { path, reason });
  }
}
