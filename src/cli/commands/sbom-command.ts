import type { Command } from 'commander';
import { DEFAULT_SBOM_FORMAT, sbomFormatNames } from '../../reports/formats/sbom/sbom-formats.js';
import { addImageFlags, type ImageCliFlags } from '../image-options.js';
import type { CliIo } from '../cli-io.js';
import type { SbomOptions } from './sbom-action.js';

/**
 * `vigil sbom PATH`: the inventory of a root filesystem (or of this host for `/`) as an SBOM. Only the
 * flags and help live here; the catalogers and writers load when the command runs (sbom-action.ts).
 */
export function registerSbomCommand(program: Command, io: CliIo): void {
  const sbom = program
    .command('sbom')
    .description('inventory every package in a root filesystem (use / for this host) and print it')
    .argument('<path>', 'directory to treat as / (a rootfs, an unpacked image, or / itself), or `image`')
    .argument('[ref]', 'after `image`: REGISTRY/NAME[:TAG|@DIGEST], docker-archive:PATH, oci:DIR[:TAG]')
    .option('-f, --format <format>', `output format: ${sbomFormatNames().join(', ')}`, DEFAULT_SBOM_FORMAT)
    .option('-o, --output <file>', 'write to FILE (atomically: complete or untouched) instead of stdout')
    .option(
      '--exclude <glob>',
      'skip paths matching GLOB (in-root, e.g. opt/big or **/*.jar; repeatable) besides the host defaults',
      collect,
      [],
    );
  addImageFlags(sbom).action(
    async (path: string, ref: string | undefined, opts: SbomOptions & ImageCliFlags) => {
      const { runSbom } = await import('./sbom-action.js');
      await runSbom(
        path,
        opts,
        io,
        program.version() ?? '0.0.0',
        ref === undefined ? undefined : { ref, flags: opts },
      );
    },
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
