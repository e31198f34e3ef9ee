import type { Command } from 'commander';
import { DEFAULT_SERVICE_DB_URL } from '../../store/service-db-defaults.js';
import type { CliIo } from '../cli-io.js';
import type { EnrollmentTokenOptions } from './admin-enrollment-action.js';

function collectTag(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `vigil admin create-enrollment-token`: a token `vigil agent --enroll-token` trades for a host key,
 * printed once (stdout), stored as its SHA-256. The account is created when new, as create-key does.
 * Flags and help only; the service DB loads when it runs (admin-enrollment-action.ts).
 */
export function registerCreateEnrollmentToken(admin: Command, io: CliIo): void {
  admin
    .command('create-enrollment-token')
    .description('create a host enrollment token for an account; prints the token once')
    .requiredOption('--account <id>', 'account id')
    .option(
      '--tag <key=value>',
      'tag every host enrolled with it (repeatable); vigil:exclude=true excludes',
      collectTag,
      [],
    )
    .option('--expires <duration>', 'lifetime: 90s, 30m, 24h, 7d (default 24h, at most 365d)')
    .option('--max-uses <n>', 'how many enrollments it allows (default: any number)')
    .option('--name <text>', 'what the token is for, shown in token lists')
    .option('--database <url>', `sqlite:PATH or postgres://… (default ${DEFAULT_SERVICE_DB_URL})`)
    .action(async (opts: EnrollmentTokenOptions) => {
      await (await import('./admin-enrollment-action.js')).createEnrollmentTokenAction(io, opts);
    });
}
