import { VigilError } from '../../core/errors/vigil-error.js';

/** No Chromium to print with (PDF output needs Debian's `chromium` package, or VIGIL_CHROMIUM). */
export class PdfRendererUnavailableError extends VigilError {
  constructor(path: string, reason: string) {
    super('PDF_RENDERER_UNAVAILABLE', `cannot print PDF with ${path}: ${reason}`, { path, reason });
  }
}
