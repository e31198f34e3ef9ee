import type { AssessmentFacts } from '../facts/fact-model.js';
import type { Condition } from '../model/check-model.js';
import { evaluateLines } from './lines-test.js';
import { fail, pass, type Outcome } from './outcome.js';
import { evaluatePaths } from './paths-test.js';
import { evaluateRecords } from './records-test.js';
import { evaluateValue } from './value-test.js';

/**
 * Evaluates a condition over collected facts. `all` fails as soon as one part fails (a failure is
 * certain even when another part could not be read); `any` passes as soon as one part passes; only
 * then do unreadable (error) and not-collectable (skip) parts decide.
 */
export function evaluateCondition(c: Condition, facts: AssessmentFacts): Outcome {
  if ('all' in c) return combineAll(c.all.map((x) => evaluateCondition(x, facts)));
  if ('any' in c) return combineAny(c.any.map((x) => evaluateCondition(x, facts)));
  if ('not' in c) {
    const inner = evaluateCondition(c.not, facts);
    if (inner.status === 'pass') return fail(inner.reason);
    if (inner.status === 'fail') return pass(inner.reason);
    return inner;
  }
  if ('value' in c) return evaluateValue(c, facts);
  if ('lines' in c) return evaluateLines(c, facts);
  if ('paths' in c) return evaluatePaths(c, facts);
  return evaluateRecords(c, facts);
}

function combineAll(parts: readonly Outcome[]): Outcome {
  const failed = parts.filter((p) => p.status === 'fail');
  if (failed.length) return fail(failed.map((p) => p.reason).join('; '));
  const blocked = parts.find((p) => p.status === 'error') ?? parts.find((p) => p.status === 'skip');
  if (blocked) return blocked;
  return pass(parts.map((p) => p.reason).join('; '));
}

function combineAny(parts: readonly Outcome[]): Outcome {
  const passed = parts.find((p) => p.status === 'pass');
  if (passed) return passed;
  const blocked = parts.find((p) => p.status === 'error') ?? parts.find((p) => p.status === 'skip');
  if (blocked) return blocked;
  return fail(parts.map((p) => p.reason).join('; '));
}
