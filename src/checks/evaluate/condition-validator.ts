import { factShape, parseFactKey, type FactShape } from '../facts/fact-keys.js';
import type { CheckDefinition, Condition, Expected, FieldTest } from '../model/check-model.js';
import { isNumericOp } from './compare.js';

const COMPARE_OPS = new Set(['eq', 'ne', 'in', 'notIn', 'match', 'notMatch', 'lt', 'le', 'gt', 'ge']);

/** Every fact key a condition reads. */
export function conditionFacts(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(conditionFacts);
  if ('any' in c) return c.any.flatMap(conditionFacts);
  if ('not' in c) return conditionFacts(c.not);
  if ('value' in c) return [c.value];
  if ('lines' in c) return [c.lines];
  if ('paths' in c) return [c.paths];
  return [c.records];
}

/**
 * What is wrong with a check as data (empty when nothing): the evaluator must accept every condition,
 * every fact must be one the collector knows and the check declares, every pattern must compile.
 */
export function checkProblems(check: CheckDefinition): string[] {
  const problems: string[] = [];
  const used = [
    ...conditionFacts(check.condition),
    ...(check.applicable ? conditionFacts(check.applicable) : []),
  ];
  for (const key of used) {
    if (!parseFactKey(key)) problems.push(`unknown fact key ${key}`);
    if (!check.facts.includes(key)) problems.push(`reads ${key} without declaring it`);
  }
  for (const key of check.facts) if (!used.includes(key)) problems.push(`declares ${key} and never reads it`);
  conditionProblems(check.condition, problems);
  if (check.applicable) conditionProblems(check.applicable, problems);
  return problems;
}

function conditionProblems(c: Condition, out: string[]): void {
  if ('all' in c || 'any' in c) {
    const parts = 'all' in c ? c.all : c.any;
    if (parts.length === 0) out.push('empty all/any');
    for (const p of parts) conditionProblems(p, out);
    return;
  }
  if ('not' in c) return conditionProblems(c.not, out);
  if ('value' in c) {
    shapeIs(c.value, 'value', out);
    if (c.op === 'set' || c.op === 'unset') return;
    if (!COMPARE_OPS.has(c.op)) out.push(`unknown operator ${String(c.op)}`);
    expectedProblems(c.op, c.expected, out);
    return;
  }
  if ('lines' in c) {
    shapeIs(c.lines, 'lines', out);
    const modes = [c.some, c.none, c.every].filter((m) => m !== undefined);
    if (modes.length !== 1) out.push(`lines test needs exactly one of some/none/every (${c.lines})`);
    if (c.where !== undefined && c.every === undefined) out.push('`where` only goes with `every`');
    for (const re of [c.some, c.none, c.every, c.where]) if (re !== undefined) regexProblem(re, out);
    return;
  }
  if ('paths' in c) {
    shapeIs(c.paths, 'paths', out);
    if (c.maxMode !== undefined && !/^[0-7]{4}$/.test(c.maxMode))
      out.push(`maxMode ${c.maxMode} is not 4 octal digits`);
    if (!c.absent && c.maxMode === undefined && !c.owner && !c.group && !c.type)
      out.push(`paths test of ${c.paths} tests nothing`);
    return;
  }
  shapeIs(c.records, 'records', out);
  const modes = [c.some, c.none, c.every, c.unique].filter((m) => m !== undefined);
  if (modes.length !== 1) out.push(`records test needs exactly one of some/none/every/unique (${c.records})`);
  for (const t of [...Object.values(c.where ?? {}), ...Object.values(c.every ?? {})]) fieldProblems(t, out);
}

function fieldProblems(t: FieldTest, out: string[]): void {
  if (!COMPARE_OPS.has(t.op)) out.push(`unknown field operator ${t.op}`);
  expectedProblems(t.op, t.expected, out);
}

function expectedProblems(op: string, expected: Expected | undefined, out: string[]): void {
  if (expected === undefined) return void out.push(`operator ${op} needs an expected value`);
  if (isNumericOp(op) && !Number.isFinite(Number(expected)))
    out.push(`operator ${op} needs a number, got ${String(expected)}`);
  if ((op === 'in' || op === 'notIn') && !Array.isArray(expected)) out.push(`operator ${op} needs a list`);
  if (op === 'match' || op === 'notMatch') regexProblem(String(expected), out);
}

function regexProblem(source: string, out: string[]): void {
  try {
    new RegExp(source);
  } catch (err) {
    out.push(`bad pattern /${source}/: ${(err as Error).message}`);
  }
}

function shapeIs(key: string, shape: FactShape, out: string[]): void {
  const actual = factShape(key);
  if (actual !== undefined && actual !== shape) out.push(`${key} gives ${actual}, the test reads ${shape}`);
}
