import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { jsonErrorReason } from '../../core/json-error-reason.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from '../../core/inventory.js';
import { SbomInvalidError } from '../../core/errors/sbom-invalid-error.js';
import { CYCLONEDX_FOUND_BY, readCycloneDx } from './cyclonedx-sbom-reader.js';
import { detectSbomFormat } from './sbom-format-detect.js';
import { readSpdx, SPDX_FOUND_BY } from './spdx-sbom-reader.js';

/** Larger SBOMs are refused rather than read into memory. */
export const SBOM_MAX_BYTES = 256 * 1024 * 1024;

/** Reads a CycloneDX or SPDX JSON SBOM into an inventory (source type 'sbom') that `scanTarget` can match. */
export async function readSbomInventory(path: string, maxBytes = SBOM_MAX_BYTES): Promise<Inventory> {
  const abs = resolve(path);
  let text: string;
  try {
    const st = await stat(abs);
    if (!st.isFile()) throw new SbomInvalidError(path, 'not a regular file');
    if (st.size > maxBytes)
      throw new SbomInvalidError(path, `${st.size} bytes, over the ${maxBytes}-byte limit`);
    text = await readFile(abs, 'utf8');
  } catch (err) {
    if (err instanceof SbomInvalidError) throw err;
    throw new SbomInvalidError(path, (err as NodeJS.ErrnoException).code ?? String(err));
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SbomInvalidError(path, `malformed JSON: ${jsonErrorReason(err)}`);
  }
  const detected = detectSbomFormat(doc);
  if ('error' in detected) throw new SbomInvalidError(path, detected.error);
  const json = doc as Record<string, unknown>;
  const contents = detected.format === 'cyclonedx' ? readCycloneDx(json, abs) : readSpdx(json, abs);
  const os = contents.os ?? contents.distroOs;
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    source: { type: 'sbom', target: abs },
    ...(os ? { os } : {}),
    packages: contents.packages,
    unknowns: contents.unknowns,
    catalogers: detected.format === 'cyclonedx' ? { [CYCLONEDX_FOUND_BY]: 1 } : { [SPDX_FOUND_BY]: 1 },
    createdAt: new Date().toISOString(),
  };
}
