import type { ApplyClient } from './apply-client.js';

/** A JSON Schema fragment (draft 2020-12) as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Comparable fields of an object, declared or live, each normalized by its kind. */
export type Fields = Record<string, unknown>;

/** Where a kind works: the account, the server, and where relative paths in the file start. */
export interface KindContext {
  client: ApplyClient;
  accountId: string;
  /** The directory of the apply file: VEX documents and password files are read relative to it. */
  baseDir: string;
  /** What apply owns in this account of this kind: object id → the identity it recorded. */
  owned: ReadonlyMap<string, string>;
}

/** One object the server has. */
export interface LiveObject {
  id: string;
  identity: string;
  fields: Fields;
}

/** What a declaration asks for: the fields compared with the live object's, and what create sends. */
export interface Desired {
  identity: string;
  fields: Fields;
  /** Fields printed as "(sensitive)": never shown in a plan. */
  sensitive?: readonly string[];
  /** The request body of a create or an update (may hold secrets read from files). */
  body: unknown;
}

/** What a create showed once (a webhook secret, an enrollment token): printed once after apply. */
export type ShownOnce = Record<string, string>;

/**
 * A kind of object an account holds many of (suppression rules, webhooks …), each known by a stable
 * identity (its name, its URL, its path). The plan creates what is declared and missing, updates what
 * differs, and with `--prune` deletes what apply owns and the file no longer declares.
 */
export interface CollectionKind {
  readonly shape: 'collection';
  /** The key under an account in the file, and the kind recorded in applied_objects. */
  readonly key: string;
  /** For people: "suppression rule". */
  readonly title: string;
  /** The schema of one item of the list. */
  readonly itemSchema: JsonSchema;
  /** The identity of a declared item (before it is read: duplicate identities are a file error). */
  identityOf(item: unknown): string;
  /** What the item asks for; may read files relative to ctx.baseDir. */
  desired(item: unknown, ctx: KindContext): Promise<Desired>;
  list(ctx: KindContext): Promise<LiveObject[]>;
  create(ctx: KindContext, d: Desired): Promise<{ id: string; shownOnce?: ShownOnce }>;
  /** Absent: the object cannot change in place, so a difference replaces it (delete, then create). */
  update?: (ctx: KindContext, live: LiveObject, d: Desired, changed: readonly string[]) => Promise<void>;
  remove(ctx: KindContext, live: LiveObject): Promise<void>;
}

/**
 * A kind an account has exactly one of (scan settings, network settings …): read and written whole,
 * never created or deleted; fields the file leaves out are left as they are.
 */
export interface SingletonKind {
  readonly shape: 'setting';
  readonly key: string;
  readonly title: string;
  readonly schema: JsonSchema;
  desired(decl: unknown, ctx: KindContext): Promise<Fields>;
  read(ctx: KindContext): Promise<Fields>;
  write(ctx: KindContext, fields: Fields): Promise<void>;
}

export type ApplyKind = CollectionKind | SingletonKind;

/** Compares as JSON with object keys in any order (the server may store keys in another order). */
export function sameValue(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

export function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stable(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The declared fields whose value differs from the live one (fields left out are not managed). */
export function changedFields(desired: Fields, live: Fields): string[] {
  return Object.keys(desired).filter((k) => desired[k] !== undefined && !sameValue(desired[k], live[k]));
}

/** Copies the keys of `o` that are set, for a body without `undefined` members. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export const enc = encodeURIComponent;
