import { VigilError } from '../../core/errors/vigil-error.js';

/** A VEX document of a format vigil reads, in a version it does not (an unknown OpenVEX @context, CycloneDX < 1.4). */
export class VexVersionError extends VigilError {
  constructor(format: string, version: string, supported: readonly string[]) {
    super('VEX_UNSUPPORTED_VERSION', `${format} version ${version} is not supported`, {
      format,
      version,
      supported,
    });
  }
}
