import { HttpError } from '../http/http-error.js';
import { shapeOf, type OperationModel, type ServiceModel, type Shape } from './inspector2-model.js';

/** One field that failed its shape, as Inspector's ValidationException lists them. */
export interface FieldError {
  name: string;
  message: string;
}

/**
 * Shapes whose AWS constraints (exactly 12 digits) vigil's ids do not follow: an account named
 * `team-web` is a valid owner here. Every other length, range and enum constraint of the model holds.
 */
const VIGIL_ID_SHAPES = new Set(['AccountId', 'OwnerId']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function inRange(n: number, shape: Shape): boolean {
  return (shape.min === undefined || n >= shape.min) && (shape.max === undefined || n <= shape.max);
}

/** A DateTime as the wire carries it (epoch seconds, or an ISO-8601 string) → ISO-8601 UTC. */
function timestampOf(v: unknown): string | undefined {
  const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : undefined;
}

/**
 * Checks a value against a model shape and returns it normalized (timestamps as ISO-8601 strings).
 * Unknown structure members are errors, not dropped: a misspelt filter field must not widen a
 * suppression rule.
 */
export function checkShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  errors: FieldError[],
): unknown {
  const shape = shapeOf(model, shapeName);
  const fail = (message: string): undefined => {
    errors.push({ name: path, message });
    return undefined;
  };
  switch (shape.type) {
    case 'structure':
      return checkStructure(model, shapeName, shape, value, path, errors);
    case 'list': {
      if (!Array.isArray(value)) return fail('must be a list');
      if (!inRange(value.length, shape))
        return fail(`must have ${shape.min ?? 0} to ${shape.max ?? '∞'} items`);
      const item = shape.member?.shape ?? '';
      return value.map((v, i) => checkShape(model, item, v, `${path}[${i}]`, errors));
    }
    case 'map': {
      if (!isPlainObject(value)) return fail('must be a map');
      const entries = Object.entries(value);
      if (!inRange(entries.length, shape))
        return fail(`must have ${shape.min ?? 0} to ${shape.max ?? '∞'} entries`);
      return Object.fromEntries(
        entries.map(([k, v]) => [
          checkShape(model, shape.key?.shape ?? '', k, `${path}.${k}(key)`, errors),
          checkShape(model, shape.value?.shape ?? '', v, `${path}.${k}`, errors),
        ]),
      );
    }
    case 'string':
      if (typeof value !== 'string') return fail('must be a string');
      if (shape.enum && !shape.enum.includes(value)) return fail(`must be one of ${shape.enum.join(', ')}`);
      if (!VIGIL_ID_SHAPES.has(shapeName) && !inRange(value.length, shape))
        return fail(`length must be ${shape.min ?? 0} to ${shape.max ?? '∞'}`);
      return value;
    case 'integer':
    case 'long':
      if (!Number.isSafeInteger(value)) return fail('must be an integer');
      return inRange(value as number, shape)
        ? value
        : fail(`must be ${shape.min ?? '-∞'} to ${shape.max ?? '∞'}`);
    case 'double':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a number');
      return inRange(value, shape) ? value : fail(`must be ${shape.min ?? '-∞'} to ${shape.max ?? '∞'}`);
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('must be a boolean');
    case 'timestamp':
      return timestampOf(value) ?? fail('must be a timestamp (epoch seconds or ISO-8601)');
    case 'blob':
      return typeof value === 'string' ? value : fail('must be a base64 string');
  }
}

function checkStructure(
  model: ServiceModel,
  shapeName: string,
  shape: Shape,
  value: unknown,
  path: string,
  errors: FieldError[],
): unknown {
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  if (!isPlainObject(value)) {
    errors.push({ name: path || '(body)', message: 'must be an object' });
    return undefined;
  }
  const members = shape.members ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const ref = members[k];
    if (!ref) errors.push({ name: at(k), message: `is not a member of ${shapeName}` });
    else if (v !== null && v !== undefined) out[k] = checkShape(model, ref.shape, v, at(k), errors);
  }
  for (const k of shape.required ?? [])
    if (value[k] === undefined || value[k] === null) errors.push({ name: at(k), message: 'is required' });
  if (shape.union && Object.keys(out).length !== 1)
    errors.push({ name: path || '(body)', message: 'must set exactly one member' });
  return out;
}

export function validationError(errors: readonly FieldError[]): HttpError {
  const first = errors
    .slice(0, 5)
    .map((e) => `${e.name} ${e.message}`)
    .join('; ');
  return new HttpError(400, 'VALIDATION', `${errors.length} validation error(s) detected: ${first}`, {
    reason: 'FIELD_VALIDATION_FAILED',
    fields: errors.slice(0, 20),
  });
}

/** The raw parts of a request that an operation's input is bound to. */
export interface RequestParts {
  body: Buffer | undefined;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
}

function parseBody(body: Buffer | undefined): Record<string, unknown> {
  if (!body || body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'MALFORMED_JSON', 'the request body is not JSON', { reason: 'CANNOT_PARSE' });
  }
  if (!isPlainObject(parsed))
    throw new HttpError(400, 'MALFORMED_JSON', 'the request body is not a JSON object', {
      reason: 'CANNOT_PARSE',
    });
  return parsed;
}

/**
 * The operation's input: body members from the JSON body, `uri` and `querystring` members from the
 * path and the query (as the model binds them), checked against the input shape. Throws a
 * ValidationException listing every field that fails.
 */
export function operationInput(
  model: ServiceModel,
  op: OperationModel,
  parts: RequestParts,
): Record<string, unknown> {
  if (!op.input) return {};
  const shape = shapeOf(model, op.input.shape);
  const raw = parseBody(parts.body);
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const wire = ref.locationName ?? name;
    if (ref.location === 'uri' && parts.params[wire] !== undefined) raw[name] = parts.params[wire];
    if (ref.location === 'querystring' && parts.query[wire] !== undefined) {
      const q = parts.query[wire];
      raw[name] = shapeOf(model, ref.shape).type === 'list' ? [q].flat() : [q].flat()[0];
    }
  }
  const errors: FieldError[] = [];
  const input = checkShape(model, op.input.shape, raw, '', errors) as Record<string, unknown>;
  if (errors.length > 0) throw validationError(errors);
  return input;
}
