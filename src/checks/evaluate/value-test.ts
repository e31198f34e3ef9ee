import type { AssessmentFacts, ValueFact } from '../facts/fact-model.js';
import type { ValueTest } from '../model/check-model.js';
import { compare, describeExpected } from './compare.js';
import { fail, factLabel, lookupFact, pass, type Outcome } from './outcome.js';

/** A value fact against an expectation; the reason names the value and where it came from. */
export function evaluateValue(test: ValueTest, facts: AssessmentFacts): Outcome {
  const found = lookupFact(facts, test.value, 'value');
  if ('outcome' in found) return found.outcome;
  const fact = found.fact;
  const label = factLabel(test.value);
  const isPackage = test.value.startsWith('package:');
  if (test.op === 'set' || test.op === 'unset') {
    const present = fact.value !== undefined;
    const text = isPackage
      ? present
        ? `${label} is installed (${fact.value})`
        : `${label} is not installed`
      : present
        ? describe(label, fact)
        : `${label} is not set${fact.note ? ` (${fact.note})` : ''}`;
    return present === (test.op === 'set') ? pass(text) : fail(text);
  }
  if (fact.value === undefined) {
    const text = `${label} is not set${fact.note ? ` (${fact.note})` : ''}`;
    return test.ifMissing === 'pass'
      ? pass(text)
      : fail(`${text}; ${describeExpected(test.op, test.expected ?? '')}`);
  }
  let actual = fact.value;
  if (test.part) {
    const part = actual.split(test.part.separator)[test.part.index];
    if (part === undefined) return fail(`${describe(label, fact)} has no part ${test.part.index + 1}`);
    actual = part;
  }
  const ok = compare(actual, test.op, test.expected ?? '', test.ignoreCase);
  const text = describe(label, fact);
  if (ok === undefined)
    return fail(`${text}, not a number; ${describeExpected(test.op, test.expected ?? '')}`);
  return ok
    ? pass(text)
    : fail(`${text}; ${describeExpected(test.op, test.expected ?? '')}${partText(test)}`);
}

function describe(label: string, fact: ValueFact): string {
  const where = fact.origin ? ` (${fact.origin})` : '';
  const note = fact.note ? ` [${fact.note}]` : '';
  return `${label} = ${fact.value ?? ''}${where}${note}`;
}

function partText(test: ValueTest): string {
  return test.part ? ` for part ${test.part.index + 1} of "${test.part.separator}"` : '';
}
