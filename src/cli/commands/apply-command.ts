import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type * as ApplyAction from './apply-action.js';
import type { ApplyCliOptions } from './apply-action.js';

const action = (): Promise<typeof ApplyAction> => import('./apply-action.js');

/**
 * `vigil apply FILE.yaml`: configuration as code, through the HTTP API with an admin key (the
 * engine is src/cli/apply/). Only flags and help live here; the engine loads when the command runs.
 */
export function registerApplyCommand(program: Command, io: CliIo): void {
  program
    .command('apply')
    .description('make a vigil server match an apply file (organization, accounts, rules, webhooks …)')
    .argument('[file]', 'the apply file (YAML)')
    .option('--schema', 'print the JSON Schema of apply files and exit')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--prune', 'also delete objects apply created that the file no longer declares')
    .option('--server <url>', 'the server (default: $VIGIL_SERVER)')
    .option(
      '--api-key-file <file>',
      'a file holding an admin key (default: $VIGIL_API_KEY_FILE, else $VIGIL_API_KEY)',
    )
    .action(async (file: string | undefined, opts: ApplyCliOptions) => {
      await (await action()).runApply(file, opts, io);
    });
}
