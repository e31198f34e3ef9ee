import { MAX_JSON_DEPTH } from '../core/json-depth.js';
import { VigilError } from '../core/errors/vigil-error.js';

/** A submitted body nests deeper than MAX_JSON_DEPTH (the same refusal the server's JSON parser makes). */
export class JsonTooDeepError extends VigilError {
  constructor() {
    super('JSON_TOO_DEEP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH });
  }
}
