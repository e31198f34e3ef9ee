import { VigilError } from './vigil-error.js';

/** What the user asked to scan cannot be scanned as asked (missing, not a directory). CLI exit 1. */
export class ScanTargetError extends VigilError {
  constructor(target: string, reason: string) {
    super('SCAN_TARGET_INVALID', `cannot scan ${target}: ${reason}`, { target, reason });
  }
}
