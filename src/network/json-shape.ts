/**
 * Structural checks for JSON the network engine is handed (agent facts, AWS describe output): each
 * check walks a value and lists what is wrong with a JSON-pointer path, so a caller can refuse the
 * input with a typed error that says where. Engines stay free of the transports' schema library;
 * the types themselves are plain interfaces next to their checks.
 */

export interface ShapeError {
  path: string;
  message: string;
}

export type Check = (value: unknown, path: string, errors: ShapeError[]) => void;

const MAX_ERRORS = 10;

function fail(errors: ShapeError[], path: string, message: string): void {
  if (errors.length < MAX_ERRORS) errors.push({ path, message });
}

export const unknownValue: Check = () => undefined;

export function str(pattern?: RegExp): Check {
  return (v, p, e) => {
    if (typeof v !== 'string') fail(e, p, 'expected a string');
    else if (pattern && !pattern.test(v)) fail(e, p, `does not match ${String(pattern)}`);
  };
}

export function int(min = -Infinity, max = Infinity): Check {
  return (v, p, e) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(e, p, 'expected an integer');
    else if (v < min || v > max) fail(e, p, `expected an integer in [${min}, ${max}]`);
  };
}

export const bool: Check = (v, p, e) => {
  if (typeof v !== 'boolean') fail(e, p, 'expected a boolean');
};

export function oneOf(...values: readonly (string | number)[]): Check {
  return (v, p, e) => {
    if (!values.includes(v as string | number))
      fail(e, p, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  };
}

export function arr(item: Check): Check {
  return (v, p, e) => {
    if (!Array.isArray(v)) return fail(e, p, 'expected an array');
    for (let i = 0; i < v.length && e.length < MAX_ERRORS; i++) item(v[i], `${p}/${i}`, e);
  };
}

/**
 * An object with required and optional properties. `closed` refuses properties not listed (vigil's
 * own formats); AWS output is open, since the CLI prints many fields the analysis does not read.
 */
export function obj(
  required: Record<string, Check>,
  optional: Record<string, Check> = {},
  closed = false,
): Check {
  return (v, p, e) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(e, p, 'expected an object');
    const o = v as Record<string, unknown>;
    for (const [k, check] of Object.entries(required)) {
      if (!(k in o)) fail(e, `${p}/${k}`, 'is required');
      else check(o[k], `${p}/${k}`, e);
    }
    for (const [k, check] of Object.entries(optional)) if (o[k] !== undefined) check(o[k], `${p}/${k}`, e);
    if (closed)
      for (const k of Object.keys(o))
        if (!(k in required) && !(k in optional)) fail(e, `${p}/${k}`, 'is not a known property');
  };
}

/** Runs a check; the errors found, empty when the value has the shape. */
export function shapeErrors(check: Check, value: unknown): ShapeError[] {
  const errors: ShapeError[] = [];
  check(value, '', errors);
  return errors;
}
