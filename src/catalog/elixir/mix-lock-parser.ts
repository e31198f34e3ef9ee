import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { readTerm, type Term } from './elixir-term-reader.js';

/**
 * `mix.lock` is an Elixir map literal, one entry per dependency:
 * `"jason": {:hex, :jason, "1.4.1", "sha…", [:mix], [deps…], "hexpm", "sha…"}` or
 * `"phoenix": {:git, "https://…", "sha", [branch: "main"]}`. Hex entries name the package (which may
 * differ from the dependency's key) and its version; git and path entries have no Hex version and are
 * noted, not listed.
 */
export function parseMixLock(text: string, path: string): { packages: PackageDraft[]; problems: string[] } {
  let doc: Term;
  try {
    doc = readTerm(text);
  } catch (err) {
    throw new ParseError('mix.lock', path, (err as Error).message);
  }
  if (!isMap(doc)) throw new ParseError('mix.lock', path, 'not an Elixir map (`%{…}`)');
  const packages: PackageDraft[] = [];
  const problems: string[] = [];
  for (const [k, v] of doc.map) {
    const key = typeof k === 'string' ? k : '?';
    const t = isTuple(v) ? v.tuple : [];
    const [kind, name, version] = t;
    if (!isAtom(kind) || kind.atom !== 'hex') {
      problems.push(`${key}: ${isAtom(kind) ? kind.atom : 'unknown'} dependency, no Hex version`);
      continue;
    }
    if (!isAtom(name) || typeof version !== 'string') {
      problems.push(`${key}: incomplete :hex entry`);
      continue;
    }
    const metadata: Record<string, string> = { key };
    if (typeof t[6] === 'string') metadata['repo'] = t[6];
    packages.push({ name: name.atom, version, ecosystem: 'hex', scope: 'declared', metadata });
  }
  return { packages, problems };
}

const isObj = (t: Term): t is Exclude<Term, string | number | boolean | null | Term[]> =>
  typeof t === 'object' && t !== null && !Array.isArray(t);
const isMap = (t: Term | undefined): t is { map: [Term, Term][] } =>
  t !== undefined && isObj(t) && 'map' in t;
const isTuple = (t: Term | undefined): t is { tuple: Term[] } => t !== undefined && isObj(t) && 'tuple' in t;
const isAtom = (t: Term | undefined): t is { atom: string } => t !== undefined && isObj(t) && 'atom' in t;
