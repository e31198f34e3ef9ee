import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { ApplyFileError, type ApplyFileProblem } from './apply-file-error.js';
import { APPLY_KINDS } from './apply-kinds.js';
import { applySchema } from './apply-schema.js';

/** An account block of a checked apply file: its id, name and one entry per declared kind key. */
export interface AccountDecl {
  id: string;
  name?: string;
  [kind: string]: unknown;
}

export interface ApplyFile {
  file: string;
  baseDir: string;
  organization?: { name: string; administratorAccount: string };
  accounts: AccountDecl[];
}

type Segment = string | number;

/**
 * Reads and checks an apply file: YAML, then the published schema (every problem with its path and
 * line), then what a schema cannot say (one account per id, one object per identity). Nothing
 * reaches the server from a file that fails here.
 */
export async function loadApplyFile(file: string): Promise<ApplyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ApplyFileError(file, [{ path: '', message: 'cannot read the file' }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0)
    throw new ApplyFileError(
      file,
      doc.errors.map((e) => ({ path: '', line: lines.linePos(e.pos[0]).line, message: e.message })),
    );
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const problems = schemaProblems(data).map((p) => withLine(p, doc, lines));
  if (problems.length === 0)
    problems.push(...identityProblems(data as ApplyFile).map((p) => withLine(p, doc, lines)));
  if (problems.length > 0) throw new ApplyFileError(file, problems);
  const checked = data as Omit<ApplyFile, 'file' | 'baseDir'>;
  return { ...checked, accounts: checked.accounts ?? [], file, baseDir: dirname(file) };
}

let validator: ReturnType<Ajv2020['compile']> | undefined;

function schemaProblems(data: unknown): Array<{ at: Segment[]; message: string }> {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats.default(ajv, ['date-time']);
    validator = ajv.compile(applySchema());
  }
  if (validator(data)) return [];
  const seen = new Set<string>();
  const out: Array<{ at: Segment[]; message: string }> = [];
  for (const e of validator.errors ?? []) {
    const p = problemOf(e);
    const key = `${p.at.join('/')}|${p.message}`;
    if (!seen.has(key)) out.push(p);
    seen.add(key);
  }
  return out;
}

function problemOf(e: ErrorObject): { at: Segment[]; message: string } {
  const at: Segment[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties')
    return { at: [...at, String(params['additionalProperty'])], message: 'unknown key' };
  if (e.keyword === 'required')
    return { at, message: `missing required key "${String(params['missingProperty'])}"` };
  if (e.keyword === 'enum' || e.keyword === 'const') {
    const allowed = (params['allowedValues'] ?? [params['allowedValue']]) as unknown[];
    return { at, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { at, message: e.message ?? e.keyword };
}

function identityProblems(f: ApplyFile): Array<{ at: Segment[]; message: string }> {
  const out: Array<{ at: Segment[]; message: string }> = [];
  const ids = new Map<string, number>();
  (f.accounts ?? []).forEach((a, i) => {
    const first = ids.get(a.id);
    if (first !== undefined)
      out.push({ at: ['accounts', i, 'id'], message: `account "${a.id}" is also accounts[${first}]` });
    else ids.set(a.id, i);
    for (const kind of APPLY_KINDS) {
      const items = a[kind.key];
      if (kind.shape !== 'collection' || !Array.isArray(items)) continue;
      const seen = new Map<string, number>();
      items.forEach((item: unknown, j) => {
        const id = kind.identityOf(item);
        const before = seen.get(id);
        if (before !== undefined)
          out.push({
            at: ['accounts', i, kind.key, j],
            message: `a second ${kind.title} "${id}" (the first is ${kind.key}[${before}])`,
          });
        else seen.set(id, j);
      });
    }
  });
  return out;
}

/** `accounts[0].webhooks[1].url`, and the line of that node (of the key, for an unknown key). */
function withLine(
  p: { at: Segment[]; message: string },
  doc: Document,
  lines: LineCounter,
): ApplyFileProblem {
  const path = pathText(p.at);
  const offset = offsetOf(doc, p.at);
  return offset === undefined
    ? { path, message: p.message }
    : { path, line: lines.linePos(offset).line, message: p.message };
}

export function pathText(at: readonly Segment[]): string {
  return at.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function offsetOf(doc: Document, at: Segment[]): number | undefined {
  for (let n = at.length; n >= 0; n--) {
    const last = at[n - 1];
    const parent = doc.getIn(at.slice(0, Math.max(0, n - 1)), true);
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === last);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return node.range[0];
  }
  return undefined;
}
