import type { CompareOp, Expected } from '../model/check-model.js';
import { regex } from './outcome.js';

const NUMERIC = new Set<CompareOp>(['lt', 'le', 'gt', 'ge']);
const SYMBOL: Record<CompareOp, string> = {
  eq: '=',
  ne: '≠',
  in: 'one of',
  notIn: 'none of',
  match: 'matching',
  notMatch: 'not matching',
  lt: '<',
  le: '≤',
  gt: '>',
  ge: '≥',
};

/** `expected 0`, `expected ≤ 4`, `expected one of no, prohibit-password`: for reasons. */
export function describeExpected(op: CompareOp, expected: Expected): string {
  const value = Array.isArray(expected)
    ? expected.join(', ')
    : String(expected) === ''
      ? '""'
      : String(expected);
  if (op === 'match' || op === 'notMatch') return `expected ${SYMBOL[op]} /${value}/`;
  return op === 'eq' ? `expected ${value}` : `expected ${SYMBOL[op]} ${value}`;
}

/** Compares one value; undefined when a numeric operator meets a value that is not a number. */
export function compare(
  actual: string,
  op: CompareOp,
  expected: Expected,
  ignoreCase = false,
): boolean | undefined {
  if (NUMERIC.has(op)) {
    const a = Number(actual.trim());
    const e = Number(expected);
    if (actual.trim() === '' || !Number.isFinite(a)) return undefined;
    return op === 'lt' ? a < e : op === 'le' ? a <= e : op === 'gt' ? a > e : a >= e;
  }
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const list = (Array.isArray(expected) ? expected : [String(expected)]).map((x) => fold(String(x)));
  switch (op) {
    case 'eq':
      return fold(actual) === list[0];
    case 'ne':
      return fold(actual) !== list[0];
    case 'in':
      return list.includes(fold(actual));
    case 'notIn':
      return !list.includes(fold(actual));
    case 'match':
      return regex(String(expected), ignoreCase).test(actual);
    case 'notMatch':
      return !regex(String(expected), ignoreCase).test(actual);
    default:
      return undefined;
  }
}

export const isNumericOp = (op: string): boolean => NUMERIC.has(op as CompareOp);
