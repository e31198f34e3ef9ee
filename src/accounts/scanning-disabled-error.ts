import { VigilError } from '../core/errors/vigil-error.js';

/** The account switched this kind of scanning off (PUT …/scanning): HTTP 409, scans fail with it. */
export class ScanningDisabledError extends VigilError {
  constructor(accountId: string, scanType: string) {
    super('SCANNING_DISABLED', `${scanType} scanning is disabled for account ${accountId}`, {
      accountId,
      scanType,
    });
  }
}
