import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import * as Validation from '@cyclonedx/cyclonedx-library/Validation';
import { VexInvalidError } from './vex-invalid-error.js';
import type { VexDocumentContent, VexProduct, VexStatement, VexStatus } from './vex-types.js';
import { VexVersionError } from './vex-version-error.js';

/** `vulnerabilities[].analysis` exists from CycloneDX 1.4. */
const VERSIONS = [Spec.Version.v1dot4, Spec.Version.v1dot5, Spec.Version.v1dot6] as const;

/** One validator per version: each compiles its schema once (a few hundred ms), then checks fast. */
const validators = new Map<Spec.Version, Validation.JsonStrictValidator>();
function validatorOf(version: Spec.Version): Validation.JsonStrictValidator {
  let v = validators.get(version);
  if (!v) {
    v = new Validation.JsonStrictValidator(version);
    validators.set(version, v);
  }
  return v;
}

/** CycloneDX analysis states onto the four VEX statuses (CycloneDX's own VEX mapping). */
const STATUS_OF_STATE: Readonly<Record<string, VexStatus>> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

interface Component {
  'bom-ref'?: string;
  purl?: string;
  components?: Component[];
}
interface Affect {
  ref: string;
  versions?: Array<{ version?: string; range?: string; status?: string }>;
}
interface Vulnerability {
  id?: string;
  references?: Array<{ id: string }>;
  analysis?: {
    state?: string;
    justification?: string;
    detail?: string;
    firstIssued?: string;
    lastUpdated?: string;
  };
  affects?: Affect[];
  published?: string;
  updated?: string;
}
interface Bom {
  specVersion: string;
  serialNumber?: string;
  metadata?: {
    timestamp?: string;
    component?: Component;
    authors?: Array<{ name?: string }>;
    manufacture?: { name?: string };
    supplier?: { name?: string };
  };
  components?: Component[];
  vulnerabilities?: Vulnerability[];
}

/** bom-ref → purl for every component of the document, nested ones too. */
function purlsByRef(bom: Bom): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (c: Component | undefined): void => {
    if (!c) return;
    if (c['bom-ref'] && c.purl) out.set(c['bom-ref'], c.purl);
    for (const sub of c.components ?? []) walk(sub);
  };
  walk(bom.metadata?.component);
  for (const c of bom.components ?? []) walk(c);
  return out;
}

/**
 * A ref names a package when it is a component of this document with a purl, a purl itself, or a
 * BOM-Link (`urn:cdx:serial/version#bom-ref`) whose bom-ref is one of those. Anything else (a product
 * known only by name) maps to no package, so it suppresses nothing.
 */
function purlOfRef(ref: string, local: Map<string, string>): string | undefined {
  const hash = ref.startsWith('urn:cdx:') ? ref.indexOf('#') : -1;
  const target = hash >= 0 ? decodeURIComponent(ref.slice(hash + 1)) : ref;
  return local.get(target) ?? (target.startsWith('pkg:') ? target : undefined);
}

function productOf(a: Affect, local: Map<string, string>): VexProduct {
  const purl = purlOfRef(a.ref, local);
  const product: VexProduct = { ref: a.ref, purls: purl ? [purl] : [], subcomponents: [] };
  // Listed versions narrow the statement to those marked unaffected (status defaults to affected);
  // `vers:` ranges are not evaluated, so a range-only list covers nothing (never a wrong suppression).
  if (a.versions) {
    product.versions = a.versions
      .filter((v) => v.version !== undefined && v.status === 'unaffected')
      .map((v) => v.version as string);
  }
  return product;
}

function authorOf(bom: Bom): string | undefined {
  const m = bom.metadata;
  return m?.authors?.find((a) => a.name)?.name ?? m?.manufacture?.name ?? m?.supplier?.name;
}

function statementOf(
  v: Vulnerability,
  index: number,
  local: Map<string, string>,
  docTime?: string,
): VexStatement {
  const a = v.analysis ?? {};
  const time = a.lastUpdated ?? a.firstIssued ?? v.updated ?? v.published ?? docTime;
  const ids = [v.id, ...(v.references ?? []).map((r) => r.id)].filter((x): x is string => !!x);
  return {
    index,
    vulnerabilityIds: [...new Set(ids)],
    products: (v.affects ?? []).map((x) => productOf(x, local)),
    // A vulnerability without an analysis state is a report, not a VEX claim: it suppresses nothing.
    status: STATUS_OF_STATE[a.state ?? ''] ?? 'affected',
    ...(a.justification !== undefined ? { justification: a.justification } : {}),
    ...(a.detail !== undefined ? { impactStatement: a.detail } : {}),
    ...(time !== undefined ? { timestamp: time } : {}),
  };
}

/**
 * A CycloneDX (1.4–1.6) JSON document with `vulnerabilities` → its statements. The whole document is
 * validated against the CycloneDX JSON schema of its version first (@cyclonedx/cyclonedx-library,
 * strict), so a malformed one is refused before anything is read from it.
 */
export async function parseCycloneDxVex(doc: Record<string, unknown>): Promise<VexDocumentContent> {
  const version = VERSIONS.find((v) => v === doc['specVersion']);
  if (!version) throw new VexVersionError('CycloneDX', String(doc['specVersion']).slice(0, 20), VERSIONS);
  const invalid: unknown = await validatorOf(version).validate(JSON.stringify(doc));
  if (invalid !== null)
    throw new VexInvalidError('not valid CycloneDX JSON', {
      errors: [JSON.stringify(invalid).slice(0, 2000)],
    });
  const bom = doc as unknown as Bom;
  if (!bom.vulnerabilities?.length)
    throw new VexInvalidError('a CycloneDX document without vulnerabilities states nothing');
  const local = purlsByRef(bom);
  const docTime = bom.metadata?.timestamp;
  const author = authorOf(bom);
  return {
    format: 'cyclonedx',
    specVersion: version,
    ...(bom.serialNumber ? { vexId: bom.serialNumber } : {}),
    ...(author ? { author } : {}),
    ...(docTime ? { timestamp: docTime } : {}),
    statements: bom.vulnerabilities.map((v, i) => statementOf(v, i, local, docTime)),
  };
}
