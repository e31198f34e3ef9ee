import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError } from '../core/errors/validation-error.js';
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
 * JSON schema. Errors are the coded ones the route's own parser and validator would give (400).
 */
export function readSubmittedBody(bytes: Uint8Array, schema: object): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
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
