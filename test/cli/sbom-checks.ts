import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import parseSpdxExpression from 'spdx-expression-parse';

/**
 * Schema validation of a CycloneDX 1.5 JSON document by the CycloneDX library's strict validator (its
 * bundled official schema, run by ajv). Returns the validator's errors, or null when valid.
 */
export async function cyclonedxErrors(json: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(json);
}

/*
 * SPDX 2.3: no npm package ships the official SPDX 2.3 JSON schema, so these are structural checks of
 * the rules the spec states (clauses 6–11). They are checked against the official 2.3 examples too.
 */
// prettier-ignore
const DOC_KEYS = new Set([
  'SPDXID', 'annotations', 'comment', 'creationInfo', 'dataLicense', 'documentDescribes',
  'documentNamespace', 'externalDocumentRefs', 'files', 'hasExtractedLicensingInfos', 'name',
  'packages', 'relationships', 'revieweds', 'snippets', 'spdxVersion',
]);
// prettier-ignore
const PACKAGE_KEYS = new Set([
  'SPDXID', 'annotations', 'attributionTexts', 'builtDate', 'checksums', 'comment', 'copyrightText',
  'description', 'downloadLocation', 'externalRefs', 'filesAnalyzed', 'hasFiles', 'homepage',
  'licenseComments', 'licenseConcluded', 'licenseDeclared', 'licenseInfoFromFiles', 'name',
  'originator', 'packageFileName', 'packageVerificationCode', 'primaryPackagePurpose', 'releaseDate',
  'sourceInfo', 'summary', 'supplier', 'validUntilDate', 'versionInfo',
]);
// prettier-ignore
const PURPOSES = new Set([
  'APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM', 'DEVICE', 'FIRMWARE',
  'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER',
]);
const REF_CATEGORIES = new Set(['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER']);
// prettier-ignore
const RELATIONSHIP_TYPES = new Set([
  'AMENDS', 'ANCESTOR_OF', 'BUILD_DEPENDENCY_OF', 'BUILD_TOOL_OF', 'CONTAINED_BY', 'CONTAINS', 'COPY_OF',
  'DATA_FILE_OF', 'DEPENDENCY_MANIFEST_OF', 'DEPENDENCY_OF', 'DEPENDS_ON', 'DESCENDANT_OF', 'DESCRIBED_BY',
  'DESCRIBES', 'DEV_DEPENDENCY_OF', 'DEV_TOOL_OF', 'DISTRIBUTION_ARTIFACT', 'DOCUMENTATION_OF',
  'DYNAMIC_LINK', 'EXAMPLE_OF', 'EXPANDED_FROM_ARCHIVE', 'FILE_ADDED', 'FILE_DELETED', 'FILE_MODIFIED',
  'GENERATED_FROM', 'GENERATES', 'HAS_PREREQUISITE', 'METAFILE_OF', 'OPTIONAL_COMPONENT_OF',
  'OPTIONAL_DEPENDENCY_OF', 'OTHER', 'PACKAGE_OF', 'PATCH_APPLIED', 'PATCH_FOR', 'PREREQUISITE_FOR',
  'PROVIDED_DEPENDENCY_OF', 'REQUIREMENT_DESCRIPTION_FOR', 'RUNTIME_DEPENDENCY_OF', 'SPECIFICATION_FOR',
  'STATIC_LINK', 'TEST_CASE_OF', 'TEST_DEPENDENCY_OF', 'TEST_OF', 'VARIANT_OF',
]);
const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;

type Json = Record<string, unknown>;

/** Every violation found (empty when the document follows the SPDX 2.3 rules checked here). */
export function spdx23Errors(doc: Json): string[] {
  const errs: string[] = [];
  const need = (ok: boolean, msg: string): void => {
    if (!ok) errs.push(msg);
  };
  need(doc['spdxVersion'] === 'SPDX-2.3', 'spdxVersion must be SPDX-2.3');
  need(doc['dataLicense'] === 'CC0-1.0', 'dataLicense must be CC0-1.0');
  need(doc['SPDXID'] === 'SPDXRef-DOCUMENT', 'document SPDXID must be SPDXRef-DOCUMENT');
  need(typeof doc['name'] === 'string' && doc['name'] !== '', 'document name required');
  for (const k of Object.keys(doc)) need(DOC_KEYS.has(k), `unknown document field ${k}`);
  need(isNamespace(doc['documentNamespace']), 'documentNamespace must be an absolute URI without #');
  const ci = (doc['creationInfo'] ?? {}) as Json;
  need(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(str(ci['created'])), 'created must be YYYY-MM-DDThh:mm:ssZ');
  const creators = (ci['creators'] ?? []) as unknown[];
  need(creators.length > 0, 'at least one creator');
  for (const c of creators) need(/^(Tool|Organization|Person): \S/.test(str(c)), `bad creator ${str(c)}`);
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  const licenseRefs = new Set(
    ((doc['hasExtractedLicensingInfos'] ?? []) as Json[]).map((l) => l['licenseId']),
  );
  for (const el of [...arr(doc['packages']), ...arr(doc['files']), ...arr(doc['snippets'])]) {
    const id = str(el['SPDXID']);
    need(SPDX_ID.test(id), `bad SPDXID ${id}`);
    need(!ids.has(id), `duplicate SPDXID ${id}`);
    ids.add(id);
  }
  for (const p of arr(doc['packages'])) errs.push(...packageErrors(p, licenseRefs));
  const rels = arr(doc['relationships']);
  const describes = rels.some(
    (r) => r['spdxElementId'] === 'SPDXRef-DOCUMENT' && r['relationshipType'] === 'DESCRIBES',
  );
  need(describes || arr(doc['documentDescribes']).length > 0, 'document DESCRIBES nothing');
  for (const r of rels) {
    need(
      RELATIONSHIP_TYPES.has(str(r['relationshipType'])),
      `bad relationshipType ${str(r['relationshipType'])}`,
    );
    for (const end of [r['spdxElementId'], r['relatedSpdxElement']])
      need(refersToElement(str(end), ids), `dangling ${str(end)}`);
  }
  return errs;
}

function packageErrors(p: Json, licenseRefs: Set<unknown>): string[] {
  const errs: string[] = [];
  const id = str(p['SPDXID']);
  for (const k of Object.keys(p)) if (!PACKAGE_KEYS.has(k)) errs.push(`${id}: unknown field ${k}`);
  if (typeof p['name'] !== 'string' || p['name'] === '') errs.push(`${id}: name required`);
  if (typeof p['downloadLocation'] !== 'string') errs.push(`${id}: downloadLocation required`);
  if (p['filesAnalyzed'] === false && p['packageVerificationCode'] !== undefined)
    errs.push(`${id}: packageVerificationCode with filesAnalyzed false`);
  if (p['primaryPackagePurpose'] !== undefined && !PURPOSES.has(str(p['primaryPackagePurpose'])))
    errs.push(`${id}: bad primaryPackagePurpose`);
  for (const f of ['licenseConcluded', 'licenseDeclared'] as const) {
    const v = p[f];
    if (v !== undefined && !isLicense(str(v), licenseRefs)) errs.push(`${id}: bad ${f} ${str(v)}`);
  }
  for (const ref of arr(p['externalRefs'])) {
    if (!REF_CATEGORIES.has(str(ref['referenceCategory']))) errs.push(`${id}: bad referenceCategory`);
    if (ref['referenceType'] === 'purl' && !isPurl(str(ref['referenceLocator'])))
      errs.push(`${id}: bad purl ${str(ref['referenceLocator'])}`);
  }
  return errs;
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

function isNamespace(v: unknown): boolean {
  if (typeof v !== 'string' || v.includes('#')) return false;
  try {
    return new URL(v).protocol.length > 1;
  } catch {
    return false;
  }
}

function refersToElement(id: string, ids: Set<string>): boolean {
  return (
    ids.has(id) || id === 'NONE' || id === 'NOASSERTION' || /^DocumentRef-[A-Za-z0-9.-]+:SPDXRef-/.test(id)
  );
}

function isLicense(v: string, refs: Set<unknown>): boolean {
  if (v === 'NONE' || v === 'NOASSERTION') return true;
  try {
    parseSpdxExpression(v);
  } catch {
    return false;
  }
  const used = v.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? [];
  return used.every((r) => refs.has(r));
}

function isPurl(v: string): boolean {
  try {
    PackageURL.fromString(v);
    return true;
  } catch {
    return false;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
