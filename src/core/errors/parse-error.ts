import { VigilError } from './vigil-error.js';

/** A file a cataloger or importer reads is not in the format it claims; recorded, never fatal for a scan. */
export class ParseError extends VigilError {
  constructor(what: string, path: string, reason: string) {
    super('PARSE_ERROR', `cannot parse ${what} ${path}: ${reason}`, { what, path, reason });
  }
}
