import type { Command } from 'commander';
import { CHECK_PROFILES } from '../../checks/model/check-model.js';
import type { CliIo } from '../cli-io.js';
import type * as AssessAction from './assess-action.js';
import type { AssessCliOptions } from './assess-action.js';

/**
 * The benchmark ids for the help text, without loading the benchmarks (every check definition) on
 * start-up; test/cli/startup-modules.test.ts holds it equal to the registry's ids.
 */
export const ASSESS_BENCHMARK_IDS: readonly string[] = ['cis-debian12', 'security-best-practices'];

const action = (): Promise<typeof AssessAction> => import('./assess-action.js');

/**
 * `vigil assess fs ROOTFS|host`, `vigil assess host` and `vigil assess facts FILE`: configuration
 * checks (CIS Debian 12, security best practices) with CI exit codes, through the one engine entry
 * (assessRoot / assessFacts) the API and agents use too. Only flags and help live here; the checks
 * load when the command runs (assess-action.ts).
 */
export function registerAssessCommand(program: Command, io: CliIo): void {
  const assess = program
    .command('assess')
    .description('check a root filesystem or this host against a benchmark');
  const version = program.version() ?? '0.0.0';
  withOptions(
    assess
      .command('fs')
      .description(
        'assess a directory that stands for / (a rootfs); the word "host" means this running system',
      )
      .argument('<path>', 'directory to treat as /, or "host"'),
  ).action(async (path: string, opts: AssessCliOptions) => {
    await (await action()).assessPath(path, opts, io, version);
  });
  withOptions(
    assess.command('host').description('assess this running system (/proc, sshd -T, systemctl)'),
  ).action(async (opts: AssessCliOptions) => {
    await (await action()).assessPath('host', opts, io, version);
  });
  withOptions(
    assess
      .command('facts')
      .description('evaluate a facts document (vigil.assessment-facts/v1, as --facts-out writes)')
      .argument('<file>', 'facts JSON file'),
  ).action(async (file: string, opts: AssessCliOptions) => {
    await (await action()).assessFactsFile(file, opts, io, version);
  });
}

function withOptions(cmd: Command): Command {
  return cmd
    .option('-b, --benchmark <id>', `benchmark: ${ASSESS_BENCHMARK_IDS.join(', ')}`, 'cis-debian12')
    .option('-l, --level <level>', 'profile level, 1 or 2 (2 includes 1)', '1')
    .option('-p, --profile <profile>', CHECK_PROFILES.join(' or '), 'server')
    .option(
      '-f, --format <format>',
      'table, json, csv, sarif, html or pdf (pdf needs --output and Chromium)',
      'table',
    )
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .option('--fail-on [statuses]', 'exit 3 when a check ends in one of these statuses (default FAILED)')
    .option('--facts-out <file>', 'also write the collected facts (JSON) to FILE');
}
