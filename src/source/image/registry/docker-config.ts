import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
}

/** Keys Docker itself writes for Hub, besides the bare host. */
const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io', 'docker.io'];

/**
 * Credentials for a registry from `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`): the
 * `auths` section, base64 `user:password` in `auth` or separate fields. Credential helpers
 * (`credsStore`, `credHelpers`) run programs and are not consulted.
 */
export function dockerConfigCredentials(
  registry: string,
  configPath = defaultConfigPath(),
): Credentials | undefined {
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const auths = config.auths ?? {};
  const wanted = registry === 'docker.io' ? HUB_KEYS : [registry];
  for (const [key, entry] of Object.entries(auths)) {
    if (!wanted.includes(hostOf(key))) continue;
    if (entry.auth) {
      const text = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      if (colon > 0) return { username: text.slice(0, colon), password: text.slice(colon + 1) };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  }
  return undefined;
}

function hostOf(key: string): string {
  if (HUB_KEYS.includes(key)) return key === 'https://index.docker.io/v1/' ? 'index.docker.io' : key;
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

function defaultConfigPath(): string {
  return join(process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'config.json');
}
