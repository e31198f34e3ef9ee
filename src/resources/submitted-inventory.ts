import { INVENTORY_SCHEMA_VERSION, type Inventory } from '../core/inventory.js';
import { CYCLONEDX_FOUND_BY, readCycloneDx } from '../catalog/sbom-input/cyclonedx-sbom-reader.js';
import { detectSbomFormat } from '../catalog/sbom-input/sbom-format-detect.js';
import { VigilError } from '../core/errors/vigil-error.js';

type Json = Record<string, unknown>;

/** Where a submitted SBOM's packages say they were found (there is no file on the server). */
const SBOM_PATH = 'submitted-sbom.cdx.json';

export function isCycloneDx(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Json)['bomFormat'] === 'CycloneDX';
}

/**
 * A submitted body as an inventory: the vigil inventory JSON as is (the route schema checked it), or a
 * CycloneDX JSON SBOM read by the same reader `vigil scan sbom` uses. A CycloneDX document whose shape
 * the reader would silently skip (components not a list, a component not an object) is refused: a
 * scan of half an SBOM would close findings that are still true.
 */
export function inventoryOfBody(body: unknown, now: Date): Inventory {
  if (!isCycloneDx(body)) return body as Inventory;
  const doc = body as Json;
  const detected = detectSbomFormat(doc);
  if ('error' in detected) throw sbomInvalid(detected.error, {});
  const problem = shapeProblem(doc);
  if (problem) throw sbomInvalid(problem.reason, { pointer: problem.pointer });
  const contents = readCycloneDx(doc, SBOM_PATH);
  const os = contents.os ?? contents.distroOs;
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    source: { type: 'sbom', target: SBOM_PATH },
    ...(os ? { os } : {}),
    packages: contents.packages,
    unknowns: contents.unknowns,
    catalogers: { [CYCLONEDX_FOUND_BY]: 1 },
    createdAt: now.toISOString(),
  };
}

function sbomInvalid(reason: string, extra: Json): VigilError {
  return new VigilError('SBOM_INVALID', `invalid CycloneDX SBOM: ${reason}`, {
    format: 'CycloneDX',
    reason,
    ...extra,
  });
}

function shapeProblem(doc: Json): { reason: string; pointer: string } | undefined {
  if ('metadata' in doc && !isObject(doc['metadata']))
    return { reason: 'metadata is not an object', pointer: '/metadata' };
  const stack: Array<{ list: unknown; pointer: string }> = [
    { list: doc['components'], pointer: '/components' },
  ];
  let seen = 0;
  while (stack.length > 0) {
    const { list, pointer } = stack.pop() as { list: unknown; pointer: string };
    if (list === undefined) continue;
    if (!Array.isArray(list)) return { reason: 'components is not an array', pointer };
    for (const [i, c] of (list as unknown[]).entries()) {
      if (++seen > 1_000_000) return { reason: 'more than 1000000 components', pointer };
      if (!isObject(c)) return { reason: 'a component is not an object', pointer: `${pointer}/${i}` };
      if ('purl' in c && typeof c['purl'] !== 'string')
        return { reason: 'a purl is not a string', pointer: `${pointer}/${i}/purl` };
      stack.push({ list: c['components'], pointer: `${pointer}/${i}/components` });
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
