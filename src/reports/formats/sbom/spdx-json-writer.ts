import { randomUUID } from 'node:crypto';
import type { Inventory, InventorySource } from '../../../core/inventory.js';
import type { OsInfo } from '../../../core/os-info.js';
import type { Package } from '../../../core/package.js';
import type { SbomContext, SbomWriter } from './sbom-writer.js';
import { spdxLicenseExpression, spdxRef, type ExtractedLicense } from './spdx-id.js';

/** The subset of the SPDX 2.3 JSON package object vigil writes. */
export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded?: string;
  licenseDeclared?: string;
  copyrightText?: string;
  sourceInfo?: string;
  description?: string;
  comment?: string;
  primaryPackagePurpose?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  comment?: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
  hasExtractedLicensingInfos?: ExtractedLicense[];
}

/** SPDX 2.3 JSON, built by hand from the spec (no maintained JS SPDX 2.3 writer exists). */
export const spdxJsonWriter: SbomWriter = {
  name: 'spdx-json',
  description: 'SPDX 2.3 JSON',
  mediaType: 'application/spdx+json',
  write(inventory, ctx) {
    return JSON.stringify(toSpdxDocument(inventory, ctx), null, 2) + '\n';
  },
};

const ROOT_PURPOSE: Record<InventorySource['type'], string> = {
  directory: 'FILE',
  host: 'DEVICE',
  image: 'CONTAINER',
  sbom: 'FILE',
};

export function toSpdxDocument(inventory: Inventory, ctx: SbomContext): SpdxDocument {
  const { source } = inventory;
  const name = `vigil-${source.type}-${source.target}`;
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  const extracted = new Map<string, ExtractedLicense>();
  const root: SpdxPackage = {
    SPDXID: spdxRef('DocumentRoot', source.type, source.target),
    name: source.target,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: ROOT_PURPOSE[source.type],
  };
  const packages: SpdxPackage[] = [root];
  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root.SPDXID },
  ];
  const contain = (p: SpdxPackage): void => {
    packages.push(p);
    relationships.push({
      spdxElementId: root.SPDXID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: p.SPDXID,
    });
  };
  if (inventory.os) contain(osPackage(inventory.os));
  for (const pkg of inventory.packages) contain(spdxPackage(pkg, extracted));
  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    // A URI unique to this document; `.invalid` (RFC 2606) makes plain it is a name, not a location.
    documentNamespace: `https://vigil.invalid/spdxdocs/${slug}-${ctx.documentId ?? randomUUID()}`,
    creationInfo: {
      // The spec's timestamp form has no fractional seconds.
      created: inventory.createdAt.replace(/\.\d+Z$/, 'Z'),
      creators: [`Tool: ${ctx.toolName}-${ctx.toolVersion}`],
    },
    packages,
    relationships,
  };
  if (inventory.unknowns.length > 0) {
    doc.comment = ['Not inventoried (vigil unknowns):', ...inventory.unknowns.map(unknownLine)].join('\n');
  }
  if (extracted.size > 0) doc.hasExtractedLicensingInfos = [...extracted.values()];
  return doc;
}

function unknownLine(u: Inventory['unknowns'][number]): string {
  return `${u.reason} ${u.path}${u.detail ? ` (${u.detail})` : ''}`;
}

function osPackage(os: OsInfo): SpdxPackage {
  return {
    SPDXID: spdxRef('OperatingSystem', os.id, os.versionId ?? ''),
    name: os.id,
    ...(os.versionId ? { versionInfo: os.versionId } : {}),
    ...(os.prettyName ? { description: os.prettyName } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'OPERATING-SYSTEM',
  };
}

function spdxPackage(pkg: Package, extracted: Map<string, ExtractedLicense>): SpdxPackage {
  const notes: string[] = [`ecosystem: ${pkg.ecosystem}`, `scope: ${pkg.scope}`];
  if (pkg.sourceName) notes.push(`source package: ${pkg.sourceName} ${pkg.sourceVersion ?? ''}`.trim());
  if (pkg.osManagedBy) notes.push(`OS-managed by: ${pkg.osManagedBy.name} ${pkg.osManagedBy.version}`);
  if (pkg.layerDigest) notes.push(`layer: ${pkg.layerDigest}`);
  return {
    // The package id (a hash of cataloger, path, name, version) keeps SPDXIDs unique and stable.
    SPDXID: spdxRef('Package', pkg.ecosystem, pkg.name, pkg.id),
    name: pkg.name,
    versionInfo: pkg.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: spdxLicenseExpression(pkg.licenses ?? [], extracted),
    copyrightText: 'NOASSERTION',
    sourceInfo: `acquired package info from ${pkg.foundBy}: ${pkg.filePath}`,
    comment: notes.join('; '),
    primaryPackagePurpose: 'LIBRARY',
    externalRefs: [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl },
    ],
  };
}
