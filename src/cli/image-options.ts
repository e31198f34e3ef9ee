import type { Command } from 'commander';
import { UsageError } from '../core/errors/usage-error.js';
import type { ImageInventoryOptions } from '../catalog/image-inventory.js';

export interface ImageCliFlags {
  platform?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
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
    .option('--password <password>', 'registry password (or VIGIL_REGISTRY_PASSWORD)');
}

/** Flags first, then VIGIL_REGISTRY_USER / VIGIL_REGISTRY_PASSWORD; openImage falls back to ~/.docker/config.json. */
export function imageOptionsFrom(
  flags: ImageCliFlags,
  env: NodeJS.ProcessEnv = process.env,
): ImageInventoryOptions {
  const username = flags.username ?? env['VIGIL_REGISTRY_USER'];
  const password = flags.password ?? env['VIGIL_REGISTRY_PASSWORD'];
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
