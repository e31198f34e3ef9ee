import { UsageError } from '../../../core/errors/usage-error.js';
import { cyclonedxJsonWriter } from './cyclonedx-json-writer.js';
import { inventoryJsonWriter } from './inventory-json-writer.js';
import type { SbomWriter } from './sbom-writer.js';
import { spdxJsonWriter } from './spdx-json-writer.js';
import { tableWriter } from './table-writer.js';

/** Every `vigil sbom --format`, listed explicitly; the first is the default. */
export const SBOM_FORMATS: readonly SbomWriter[] = [
  tableWriter,
  cyclonedxJsonWriter,
  spdxJsonWriter,
  inventoryJsonWriter,
];

export const DEFAULT_SBOM_FORMAT = 'table';

export function sbomFormatNames(): string[] {
  return SBOM_FORMATS.map((f) => f.name);
}

/** The writer for a `--format` value; an unknown name is the caller's mistake (exit 2). */
export function sbomWriter(name: string): SbomWriter {
  const writer = SBOM_FORMATS.find((f) => f.name === name);
  if (!writer) {
    throw new UsageError(`unknown format ${JSON.stringify(name)}; one of: ${sbomFormatNames().join(', ')}`, {
      format: name,
    });
  }
  return writer;
}
