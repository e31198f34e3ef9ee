import type { AssessmentFacts, PathEntry } from '../facts/fact-model.js';
import type { PathsTest } from '../model/check-model.js';
import { fail, listSome, lookupFact, pass, type Outcome } from './outcome.js';

const describe = (e: PathEntry) => `${e.path} is ${e.type} ${e.mode} ${e.user ?? e.uid}:${e.group ?? e.gid}`;

/** Permissions (a mask), owner, group and type of every path found. */
export function evaluatePaths(test: PathsTest, facts: AssessmentFacts): Outcome {
  const found = lookupFact(facts, test.paths, 'paths');
  if ('outcome' in found) return found.outcome;
  const entries = found.fact.paths;
  const what = test.paths.slice('paths:'.length);
  if (test.absent) {
    return entries.length
      ? fail(`${listSome(entries.map((e) => `${e.path} exists`))}`)
      : pass(`${what} does not exist`);
  }
  if (entries.length === 0) {
    return test.ifMissing === 'pass' ? pass(`${what} does not exist`) : fail(`${what} does not exist`);
  }
  const problems: string[] = [];
  for (const e of entries) {
    const wrong = entryProblems(test, e);
    if (wrong.length) problems.push(`${describe(e)} (${wrong.join(', ')})`);
  }
  if (problems.length) return fail(listSome(problems));
  return pass(
    entries.length === 1
      ? describe(entries[0] as PathEntry)
      : `${entries.length} paths, all as expected (${listSome(entries.map(describe), 2)})`,
  );
}

function entryProblems(test: PathsTest, e: PathEntry): string[] {
  const out: string[] = [];
  if (test.type && e.type !== test.type) out.push(`expected a ${test.type}`);
  if (test.maxMode !== undefined) {
    const max = parseInt(test.maxMode, 8);
    const extra = parseInt(e.mode, 8) & ~max & 0o7777;
    if (extra) out.push(`expected at most ${test.maxMode}, extra bits ${extra.toString(8).padStart(4, '0')}`);
  }
  if (test.owner && !matchesName(test.owner, e.user, e.uid))
    out.push(`owner expected ${test.owner.join(' or ')}`);
  if (test.group && !matchesName(test.group, e.group, e.gid))
    out.push(`group expected ${test.group.join(' or ')}`);
  return out;
}

/** Names from the target's databases; a numeric id stands for itself when a name is not known. */
function matchesName(allowed: readonly string[], name: string | undefined, id: number): boolean {
  return allowed.some((a) => a === name || a === String(id));
}
