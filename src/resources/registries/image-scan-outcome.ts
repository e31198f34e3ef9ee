import { isVigilError } from '../../core/errors/vigil-error.js';
import type { ScanOutcome } from '../coverage/coverage-decision.js';

/** Error codes of the image source, by the coverage reason Inspector shows for them. */
const OUTCOME_OF_CODE: Readonly<Record<string, ScanOutcome>> = {
  REGISTRY_AUTH_FAILED: 'ACCESS_DENIED',
  IMAGE_SIZE_EXCEEDED: 'IMAGE_SIZE_EXCEEDED',
  // A Helm chart, a signature, an index without our platform: not an image vigil can scan.
  IMAGE_FORMAT_UNSUPPORTED: 'UNSUPPORTED_MEDIA_TYPE',
  // Inspector: "does not support this OS, architecture, or image manifest type".
  PLATFORM_NOT_FOUND: 'UNSUPPORTED_OS',
};

/** The coverage outcome of a failed image scan, with the error's own message when it is one of ours. */
export function imageScanOutcomeOf(err: unknown): { outcome: ScanOutcome; message: string } {
  if (!isVigilError(err)) return { outcome: 'INTERNAL_ERROR', message: 'internal error' };
  return { outcome: OUTCOME_OF_CODE[err.code] ?? 'INTERNAL_ERROR', message: `${err.code}: ${err.message}` };
}
