import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import sjson from 'secure-json-parse';
import { ValidationError } from '../core/errors/validation-error.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { JsonTooDeepError } from './json-too-deep-error.js';
import { MalformedBodyError } from './malformed-body-error.js';

/**
 * Ajv as the HTTP framework configures it (Fastify's defaults, with `removeAdditional` off as the
 * server asks), so a body checked here is refused exactly as a body checked by the route would be.
 */
const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, strict: false });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let check = compiled.get(key);
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(key, check);
  }
  return check;
}

/** Fastify's wording: `body/packages/0 must have required property 'purl'`. */
function describe(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `body${e.instancePath} ${e.message ?? 'is invalid'}`).join(', ');
}

/**
 * A submitted request body, read where the CPU is spent (a worker thread): bytes → JSON → the route's
 * JSON schema. The same checks as the server's own JSON parser (server/http/json-body.ts): the depth
 * pre-scan before anything recursive sees the text, and Fastify's parser (secure-json-parse) refusing
 * `__proto__` and `constructor.prototype` keys. Errors are the coded ones the route would give (400).
 */
export function readSubmittedBody(bytes: Uint8Array, schema: object): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw new JsonTooDeepError();
  let doc: unknown;
  try {
    doc = sjson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new MalformedBodyError();
  }
  const check = validatorFor(schema);
  if (!check(doc)) {
    const errors = check.errors ?? [];
    throw new ValidationError(describe(errors), { errors });
  }
  return doc;
}
