import type { AssessmentFacts } from '../facts/fact-model.js';
import type { FieldTest, RecordsTest } from '../model/check-model.js';
import { compare, describeExpected } from './compare.js';
import { fail, listSome, lookupFact, pass, type Outcome } from './outcome.js';

type Row = Record<string, string>;

/** Rows of a table fact: some, none, every (field tests) or unique (a field). */
export function evaluateRecords(test: RecordsTest, facts: AssessmentFacts): Outcome {
  const found = lookupFact(facts, test.records, 'records');
  if ('outcome' in found) return found.outcome;
  const { rows, origin } = found.fact;
  const selected = test.where ? rows.filter((r) => fieldsHold(r, test.where ?? {})) : rows;
  const whereText = test.where ? ` with ${describeFields(test.where)}` : '';
  if (test.some) {
    return selected.length
      ? pass(`${origin}: ${listSome(selected.map(name))}${whereText}`)
      : fail(`${origin}: no entry${whereText}`);
  }
  if (test.none) {
    return selected.length
      ? fail(
          `${origin}: ${listSome(selected.map((r) => `${name(r)}${showFields(r, test.where)}`))}${whereText}`,
        )
      : pass(`${origin}: no entry${whereText}`);
  }
  if (test.unique !== undefined) return unique(selected, test.unique, origin);
  const every = test.every ?? {};
  const bad = selected.filter((r) => !fieldsHold(r, every));
  if (bad.length) {
    return fail(
      `${origin}: ${listSome(bad.map((r) => `${name(r)}${showFields(r, every)}`))}; ${describeFields(every)}`,
    );
  }
  return pass(
    `${origin}: ${selected.length} ${selected.length === 1 ? 'entry' : 'entries'}${whereText}, all with ${describeFields(every)}`,
  );
}

function unique(rows: readonly Row[], field: string, origin: string): Outcome {
  const seen = new Map<string, string[]>();
  for (const r of rows) {
    const v = r[field] ?? '';
    seen.set(v, [...(seen.get(v) ?? []), name(r)]);
  }
  const dups = [...seen.entries()].filter(([, names]) => names.length > 1);
  if (dups.length)
    return fail(
      `${origin}: ${listSome(dups.map(([v, names]) => `${field} ${v} is shared by ${names.join(', ')}`))}`,
    );
  return pass(`${origin}: ${rows.length} entries, no ${field} shared`);
}

function fieldsHold(row: Row, tests: Readonly<Record<string, FieldTest>>): boolean {
  return Object.entries(tests).every(([field, t]) => compare(row[field] ?? '', t.op, t.expected) === true);
}

function describeFields(tests: Readonly<Record<string, FieldTest>>): string {
  return Object.entries(tests)
    .map(([field, t]) => `${field} ${describeExpected(t.op, t.expected).replace(/^expected /, '')}`)
    .join(' and ');
}

function showFields(row: Row, tests: Readonly<Record<string, FieldTest>> | undefined): string {
  const fields = Object.keys(tests ?? {}).filter((f) => f !== 'name' && f !== 'user');
  return fields.length ? ` (${fields.map((f) => `${f} ${row[f] || '""'}`).join(', ')})` : '';
}

function name(row: Row): string {
  const n = row.name ?? row.user ?? row.mountPoint ?? JSON.stringify(row);
  return row.source ? `${n} (${row.source})` : n;
}
