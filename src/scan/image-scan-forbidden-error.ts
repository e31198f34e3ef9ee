import { VigilError } from '../core/errors/vigil-error.js';

/** An image scan this caller may not ask the server for (plain HTTP needs an admin key): HTTP 403. */
export class ImageScanForbiddenError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('IMAGE_SCAN_FORBIDDEN', message, details);
  }
}
