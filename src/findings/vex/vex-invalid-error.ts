import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * A VEX document that cannot be used: not JSON, neither OpenVEX nor CycloneDX, or not the shape its
 * spec documents (`details.errors` lists where). Nothing is stored from such a document.
 */
export class VexInvalidError extends VigilError {
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super('VEX_INVALID', `invalid VEX document: ${reason}`, details);
  }
}
