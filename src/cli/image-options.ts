import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../core/errors/usage-error.js';
import type { ImageInventoryOptions } from '../catalog/image-inventory.js';

export interface ImageCliFlags {
  platform?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  passwordFile?: string;
}

/** The flags every `… image REF` command takes. */
export function addImageFlags(cmd: Command): Command {
  return cmd
    .option(
      '--platform <os/arch[/variant]>',
      'platform to pick from a multi-platform image (default: this host)',
    )
    .option('--insecure', 'allow plain HTTP to this registry (localhost and 127.0.0.1 always may)')
    .option('--username <user>', 'registry user (or VIGIL_REGISTRY_USER; else ~/.docker/config.json)')
    .option('--password-file <file>', 'file holding the registry password (or VIGIL_REGISTRY_PASSWORD)')
    .option('--password <password>', 'registry password (visible in ps: prefer --password-file)');
}

/**
 * Flags first, then VIGIL_REGISTRY_USER / VIGIL_REGISTRY_PASSWORD; openImage falls back to
 * ~/.docker/config.json. `--password` still works but warns: `ps` shows it to every user of the host.
 */
export function imageOptionsFrom(
  flags: ImageCliFlags,
  warn: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): ImageInventoryOptions {
  if (flags.password !== undefined && flags.passwordFile !== undefined)
    throw new UsageError('give --password or --password-file, not both');
  if (flags.password !== undefined)
    warn(
      'warning: --password puts a secret where ps shows it to every user of this host; use --password-file or VIGIL_REGISTRY_PASSWORD instead\n',
    );
  const username = flags.username ?? env['VIGIL_REGISTRY_USER'];
  const password = flags.password ?? passwordOf(flags.passwordFile) ?? env['VIGIL_REGISTRY_PASSWORD'];
  if ((username === undefined) !== (password === undefined))
    throw new UsageError(
      'registry credentials need both a user and a password (--username/--password or VIGIL_REGISTRY_USER/PASSWORD)',
    );
  return {
    ...(flags.platform ? { platform: flags.platform } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    ...(username !== undefined && password !== undefined ? { credentials: { username, password } } : {}),
  };
}

/** The password file's text without its trailing newline (as `echo pw > file` writes it). */
function passwordOf(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').trimEnd();
  } catch (err) {
    throw new UsageError(
      `--password-file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}
