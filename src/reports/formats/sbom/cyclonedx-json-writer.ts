import { randomUUID } from 'node:crypto';
// The library's parts, not its index: the index also loads its validators (ajv) and XML serializer,
// which doubles this writer's load time and which vigil never uses here.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as License from '@cyclonedx/cyclonedx-library/Contrib/License';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import parseSpdxExpression from 'spdx-expression-parse';
import type { Inventory, InventorySource } from '../../../core/inventory.js';
import type { OsInfo } from '../../../core/os-info.js';
import type { Package } from '../../../core/package.js';
import { cyclonedxJsonChunks } from './cyclonedx-json-chunks.js';
import type { SbomContext, SbomWriter } from './sbom-writer.js';

/** Property names follow the `vendor:subject:field` habit of other producers (syft, trivy). */
export const CDX_PROPERTY = {
  foundBy: 'vigil:package:foundBy',
  filePath: 'vigil:package:filePath',
  layerDigest: 'vigil:package:layerDigest',
  ecosystem: 'vigil:package:ecosystem',
  scope: 'vigil:package:scope',
  sourceName: 'vigil:package:sourceName',
  sourceVersion: 'vigil:package:sourceVersion',
  osManagedBy: 'vigil:package:osManagedBy',
  unknown: 'vigil:unknown',
} as const;

const licenseFactory = new License.Factories.LicenseFactory((s: string) => {
  parseSpdxExpression(s);
});

/** CycloneDX 1.5 JSON through the CycloneDX library, so the document is what its normalizer emits. */
export const cyclonedxJsonWriter: SbomWriter = {
  name: 'cyclonedx-json',
  description: 'CycloneDX 1.5 JSON',
  mediaType: 'application/vnd.cyclonedx+json; version=1.5',
  write(inventory, ctx) {
    const bom = toCycloneDxBom(inventory, ctx);
    const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot5));
    return serializer.serialize(bom, { sortLists: true, space: 2 }) + '\n';
  },
  chunks: (inventory, ctx) => cyclonedxJsonChunks(toCycloneDxBom(inventory, ctx)),
};

export function toCycloneDxBom(inventory: Inventory, ctx: SbomContext): Models.Bom {
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${ctx.documentId ?? randomUUID()}` });
  bom.metadata.timestamp = new Date(inventory.createdAt);
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, ctx.toolName, { version: ctx.toolVersion }),
  );
  const target = targetComponent(inventory.source);
  bom.metadata.component = target;
  if (inventory.os) {
    const os = osComponent(inventory.os);
    bom.components.add(os);
    target.dependencies.add(os.bomRef);
  }
  for (const pkg of inventory.packages) {
    const c = packageComponent(pkg);
    bom.components.add(c);
    target.dependencies.add(c.bomRef);
  }
  // Unknowns are part of the truth of a scan: a consumer must see what was not looked at.
  for (const u of inventory.unknowns) {
    bom.metadata.properties.add(
      new Models.Property(CDX_PROPERTY.unknown, `${u.reason} ${u.path}${u.detail ? ` (${u.detail})` : ''}`),
    );
  }
  return bom;
}

function targetComponent(source: InventorySource): Models.Component {
  const type =
    source.type === 'image'
      ? Enums.ComponentType.Container
      : source.type === 'host'
        ? Enums.ComponentType.Device
        : Enums.ComponentType.File;
  return new Models.Component(type, source.target, { bomRef: 'vigil-target' });
}

function osComponent(os: OsInfo): Models.Component {
  const c = new Models.Component(Enums.ComponentType.OperatingSystem, os.id, {
    bomRef: `os:${os.id}${os.versionId ? `@${os.versionId}` : ''}`,
  });
  if (os.versionId) c.version = os.versionId;
  if (os.prettyName) c.description = os.prettyName;
  if (os.codename) c.properties.add(new Models.Property('vigil:os:codename', os.codename));
  if (os.eol !== undefined) c.properties.add(new Models.Property('vigil:os:eol', String(os.eol)));
  return c;
}

function packageComponent(pkg: Package): Models.Component {
  const c = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef: pkg.id,
    version: pkg.version,
    purl: pkg.purl,
  });
  const props: [string, string | undefined][] = [
    [CDX_PROPERTY.foundBy, pkg.foundBy],
    [CDX_PROPERTY.filePath, pkg.filePath],
    [CDX_PROPERTY.layerDigest, pkg.layerDigest],
    [CDX_PROPERTY.ecosystem, pkg.ecosystem],
    [CDX_PROPERTY.scope, pkg.scope],
    [CDX_PROPERTY.sourceName, pkg.sourceName],
    [CDX_PROPERTY.sourceVersion, pkg.sourceVersion],
    [CDX_PROPERTY.osManagedBy, pkg.osManagedBy && `${pkg.osManagedBy.name}@${pkg.osManagedBy.version}`],
  ];
  for (const [name, value] of props) if (value) c.properties.add(new Models.Property(name, value));
  for (const l of licensesOf(pkg.licenses ?? [])) c.licenses.add(l);
  return c;
}

/** CycloneDX allows one expression or a list of single licenses, never both: several become one AND. */
function licensesOf(names: readonly string[]): Models.License[] {
  if (names.length === 0) return [];
  if (names.length === 1) return [licenseFactory.makeFromString(names[0] as string)];
  const joined = names.map((n) => `(${n})`).join(' AND ');
  try {
    parseSpdxExpression(joined);
    return [new Models.LicenseExpression(joined)];
  } catch {
    return names.map((n) => licenseFactory.makeDisjunctive(n));
  }
}
