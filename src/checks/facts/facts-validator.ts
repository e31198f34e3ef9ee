import { FACTS_SCHEMA_ID, type AssessmentFacts } from './fact-model.js';

type Json = unknown;
type Report = (path: string, problem: string) => void;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: Json): v is string => typeof v === 'string';

/** Every way `doc` differs from the assessment facts shape, each with its JSON path; empty when none. */
export function factsProblems(doc: Json): string[] {
  const problems: string[] = [];
  const report: Report = (path, problem) => problems.push(`${path}: ${problem}`);
  if (!isObject(doc)) return ['/: expected an object'];
  only(doc, '', ['schema', 'target', 'facts'], report);
  if (doc.schema !== FACTS_SCHEMA_ID) report('/schema', `expected "${FACTS_SCHEMA_ID}"`);
  if (!isObject(doc.target)) report('/target', 'expected an object');
  else {
    only(doc.target, '/target', ['description', 'mode'], report);
    if (!isString(doc.target.description)) report('/target/description', 'expected a string');
    if (doc.target.mode !== 'rootfs' && doc.target.mode !== 'host')
      report('/target/mode', 'expected "rootfs" or "host"');
  }
  if (!isObject(doc.facts)) report('/facts', 'expected an object');
  else for (const [key, r] of Object.entries(doc.facts)) factResult(r, `/facts/${key}`, report);
  return problems;
}

export function isAssessmentFacts(doc: Json): doc is AssessmentFacts {
  return factsProblems(doc).length === 0;
}

function factResult(r: Json, path: string, report: Report): void {
  if (!isObject(r)) return report(path, 'expected an object');
  if (r.status === 'error' || r.status === 'unsupported') {
    only(r, path, ['status', 'reason'], report);
    if (!isString(r.reason)) report(`${path}/reason`, 'expected a string');
    return;
  }
  if (r.status !== 'ok') return report(`${path}/status`, 'expected "ok", "error" or "unsupported"');
  only(r, path, ['status', 'fact'], report);
  factValue(r.fact, `${path}/fact`, report);
}

function factValue(f: Json, path: string, report: Report): void {
  if (!isObject(f)) return report(path, 'expected an object');
  switch (f.type) {
    case 'value':
      only(f, path, ['type', 'value', 'origin', 'note'], report);
      for (const k of ['value', 'origin', 'note'])
        if (f[k] !== undefined && !isString(f[k])) report(`${path}/${k}`, 'expected a string');
      return;
    case 'lines':
      only(f, path, ['type', 'lines', 'files'], report);
      list(f.lines, `${path}/lines`, report, (l, p) => {
        if (!isObject(l) || !isString(l.text) || !isString(l.origin))
          report(p, 'expected {text, origin} strings');
        else only(l, p, ['text', 'origin'], report);
      });
      list(f.files, `${path}/files`, report, (v, p) => !isString(v) && report(p, 'expected a string'));
      return;
    case 'paths':
      only(f, path, ['type', 'paths'], report);
      list(f.paths, `${path}/paths`, report, (e, p) => pathEntry(e, p, report));
      return;
    case 'records':
      only(f, path, ['type', 'rows', 'origin'], report);
      if (!isString(f.origin)) report(`${path}/origin`, 'expected a string');
      list(f.rows, `${path}/rows`, report, (row, p) => {
        if (!isObject(row)) return report(p, 'expected an object');
        for (const [k, v] of Object.entries(row)) if (!isString(v)) report(`${p}/${k}`, 'expected a string');
      });
      return;
    default:
      report(`${path}/type`, 'expected "value", "lines", "paths" or "records"');
  }
}

function pathEntry(e: Json, path: string, report: Report): void {
  if (!isObject(e)) return report(path, 'expected an object');
  only(e, path, ['path', 'type', 'mode', 'uid', 'gid', 'user', 'group'], report);
  if (!isString(e.path)) report(`${path}/path`, 'expected a string');
  if (e.type !== 'file' && e.type !== 'directory' && e.type !== 'other')
    report(`${path}/type`, 'expected "file", "directory" or "other"');
  if (!isString(e.mode) || !/^[0-7]{4}$/.test(e.mode)) report(`${path}/mode`, 'expected 4 octal digits');
  for (const k of ['uid', 'gid']) if (!Number.isInteger(e[k])) report(`${path}/${k}`, 'expected an integer');
  for (const k of ['user', 'group'])
    if (e[k] !== undefined && !isString(e[k])) report(`${path}/${k}`, 'expected a string');
}

function list(v: Json, path: string, report: Report, each: (item: Json, path: string) => void): void {
  if (!Array.isArray(v)) return report(path, 'expected an array');
  v.forEach((item, i) => each(item, `${path}/${i}`));
}

function only(o: Record<string, Json>, path: string, allowed: readonly string[], report: Report): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) report(`${path}/${k}`, 'unknown property');
}
