import { VigilError } from './vigil-error.js';

/** A version string cannot be read under the named scheme; never compared by guesswork. */
export class VersionInvalidError extends VigilError {
  constructor(scheme: string, version: string, reason?: string) {
    super(
      'VERSION_INVALID',
      `not a valid ${scheme} version: ${JSON.stringify(version)}${reason ? ` (${reason})` : ''}`,
      {
        scheme,
        version,
      },
    );
  }
}
