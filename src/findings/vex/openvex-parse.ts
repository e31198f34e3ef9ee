import { Ajv, type ErrorObject } from 'ajv';
import { isRealDateTime } from '../../core/date-time-text.js';
import { OPENVEX_CONTEXTS, OPENVEX_SCHEMA } from './openvex-schema.js';
import { VexInvalidError } from './vex-invalid-error.js';
import type { VexDocumentContent, VexProduct, VexStatement, VexStatus } from './vex-types.js';
import { VexVersionError } from './vex-version-error.js';

const check = new Ajv({ allErrors: true, strict: false }).compile(OPENVEX_SCHEMA);

type Obj = Record<string, unknown>;
type Component = string | { '@id'?: string; identifiers?: { purl?: string } };
type Product = Component & { subcomponents?: Component[] };

interface RawStatement {
  vulnerability: string | { name: string; '@id'?: string; aliases?: string[] };
  products: Product[];
  subcomponents?: Component[];
  status: VexStatus;
  justification?: string;
  impact_statement?: string;
  timestamp?: string;
  last_updated?: string;
}

/** The first ten schema errors, as `path: message`, for the caller to fix. */
export function schemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

function idOf(c: Component): string {
  return typeof c === 'string' ? c : (c['@id'] ?? c.identifiers?.purl ?? '');
}

/** The purls a component is known by: its `@id` when that is a purl, and `identifiers.purl`. */
function purlsOf(c: Component): string[] {
  const out = new Set<string>();
  const id = idOf(c);
  if (id.startsWith('pkg:')) out.add(id);
  if (typeof c !== 'string' && c.identifiers?.purl) out.add(c.identifiers.purl);
  return [...out];
}

function productOf(p: Product, statementSubs: Component[]): VexProduct {
  const subs = [...(typeof p === 'string' ? [] : (p.subcomponents ?? [])), ...statementSubs];
  return { ref: idOf(p), purls: purlsOf(p), subcomponents: subs.flatMap(purlsOf) };
}

function checkTime(value: string | undefined, path: string): void {
  if (value !== undefined && !isRealDateTime(value))
    throw new VexInvalidError(`${path} is not an RFC 3339 date-time`, {
      errors: [`${path}: not a date-time`],
    });
}

function statementOf(s: RawStatement, index: number, docTime: string): VexStatement {
  checkTime(s.timestamp, `/statements/${index}/timestamp`);
  checkTime(s.last_updated, `/statements/${index}/last_updated`);
  const v = s.vulnerability;
  const ids = typeof v === 'string' ? [v] : [v.name, ...(v.aliases ?? [])];
  const subs = s.subcomponents ?? [];
  return {
    index,
    vulnerabilityIds: [...new Set(ids)],
    products: s.products.map((p) => productOf(p, subs)),
    status: s.status,
    ...(s.justification !== undefined ? { justification: s.justification } : {}),
    ...(s.impact_statement !== undefined ? { impactStatement: s.impact_statement } : {}),
    // A statement without its own time inherits the document's (OpenVEX spec, "Inheritance").
    timestamp: s.last_updated ?? s.timestamp ?? docTime,
  };
}

/** An OpenVEX document (already JSON) → its statements; VEX_INVALID / VEX_UNSUPPORTED_VERSION otherwise. */
export function parseOpenVex(doc: Obj): VexDocumentContent {
  const context = doc['@context'];
  if (typeof context === 'string' && !(OPENVEX_CONTEXTS as readonly string[]).includes(context))
    throw new VexVersionError('OpenVEX', context, OPENVEX_CONTEXTS);
  if (!check(doc)) {
    const errors = schemaErrors(check.errors);
    throw new VexInvalidError(`not an OpenVEX document (${errors[0] ?? 'schema'})`, { errors });
  }
  const d = doc as Obj & { '@id': string; author: string; timestamp: string; last_updated?: string };
  checkTime(d.timestamp, '/timestamp');
  checkTime(d.last_updated, '/last_updated');
  const docTime = d.last_updated ?? d.timestamp;
  const statements = (doc['statements'] as RawStatement[]).map((s, i) => statementOf(s, i, docTime));
  return {
    format: 'openvex',
    specVersion: String(context).replace(/^https:\/\/openvex\.dev\/ns\/?/, '') || 'unversioned',
    vexId: d['@id'],
    author: d.author,
    timestamp: d.timestamp,
    statements,
  };
}
