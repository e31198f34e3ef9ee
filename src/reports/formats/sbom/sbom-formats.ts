import { UsageError } from '../../../core/errors/usage-error.js';
import type { SbomWriter } from './sbom-writer.js';

/**
 * One `vigil sbom --format`: its name for flags and help, and its writer, loaded on use. The writers
 * stay out of the module graph until asked for: the CycloneDX library alone is a large part of a
 * command's start-up, and `vigil --help` or a table never needs it.
 */
export interface SbomFormat {
  readonly name: string;
  load(): Promise<SbomWriter>;
}

/** Every `vigil sbom --format`, listed explicitly; the first is the default. */
export const SBOM_FORMATS: readonly SbomFormat[] = [
  { name: 'table', load: async () => (await import('./table-writer.js')).tableWriter },
  {
    name: 'cyclonedx-json',
    load: async () => (await import('./cyclonedx-json-writer.js')).cyclonedxJsonWriter,
  },
  { name: 'spdx-json', load: async () => (await import('./spdx-json-writer.js')).spdxJsonWriter },
  { name: 'json', load: async () => (await import('./inventory-json-writer.js')).inventoryJsonWriter },
];

export const DEFAULT_SBOM_FORMAT = 'table';

export function sbomFormatNames(): string[] {
  return SBOM_FORMATS.map((f) => f.name);
}

/** The format for a `--format` value; an unknown name is the caller's mistake (exit 2), known before any work. */
export function sbomFormat(name: string): SbomFormat {
  const format = SBOM_FORMATS.find((f) => f.name === name);
  if (!format) {
    throw new UsageError(`unknown format ${JSON.stringify(name)}; one of: ${sbomFormatNames().join(', ')}`, {
      format: name,
    });
  }
  return format;
}
