import type { AssessmentFacts, LinesFact } from '../facts/fact-model.js';
import type { LinesTest } from '../model/check-model.js';
import { fail, factLabel, listSome, lookupFact, pass, regex, type Outcome } from './outcome.js';

type Line = LinesFact['lines'][number];
const show = (l: Line) => `"${l.text}" (${l.origin})`;

/** Lines of configuration against a pattern: some line, no line, or every selected line. */
export function evaluateLines(test: LinesTest, facts: AssessmentFacts): Outcome {
  const found = lookupFact(facts, test.lines, 'lines');
  if ('outcome' in found) return found.outcome;
  const { lines, files } = found.fact;
  const label = factLabel(test.lines);
  const where = files.length
    ? files.join(', ')
    : test.lines.startsWith('file:')
      ? `${test.lines.slice('file:'.length)} does not exist`
      : `no file of the ${label} exists`;
  if (files.length === 0) {
    const missingPasses = test.ifMissing
      ? test.ifMissing === 'pass'
      : test.some === undefined && test.every === undefined;
    return missingPasses ? pass(where) : fail(where);
  }
  if (test.some !== undefined) {
    const re = regex(test.some, test.ignoreCase);
    const hit = lines.find((l) => re.test(l.text));
    return hit ? pass(`found ${show(hit)}`) : fail(`no line matches /${test.some}/ in ${where}`);
  }
  if (test.none !== undefined) {
    const re = regex(test.none, test.ignoreCase);
    const hits = lines.filter((l) => re.test(l.text));
    return hits.length
      ? fail(`found ${listSome(hits.map(show))}`)
      : pass(`no line matches /${test.none}/ in ${where}`);
  }
  const every = regex(test.every ?? '', test.ignoreCase);
  const selected =
    test.where === undefined
      ? lines
      : lines.filter((l) => regex(test.where ?? '', test.ignoreCase).test(l.text));
  if (selected.length === 0) {
    const text = `no line matches /${test.where ?? ''}/ in ${where}`;
    return test.ifMissing === 'pass' ? pass(text) : fail(text);
  }
  const bad = selected.filter((l) => !every.test(l.text));
  if (bad.length)
    return fail(
      `${listSome(bad.map(show))} ${bad.length === 1 ? 'does' : 'do'} not match /${test.every ?? ''}/`,
    );
  return pass(`${listSome(selected.map(show))}`);
}
