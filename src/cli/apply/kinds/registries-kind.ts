import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { registryHostOf, registryUrlOf } from '../../../resources/registries/registry-address.js';
import { enc, defined, type CollectionKind, type Desired, type LiveObject } from '../apply-kind.js';
import { ApplyFileError } from '../apply-file-error.js';

interface RegistryDecl {
  name: string;
  url: string;
  discovery: string;
  insecure?: boolean;
  pollInterval?: number;
  credentials?: { username: string; passwordFile?: string; passwordEnv?: string };
}
interface Registry {
  id: string;
  name: string;
  url: string;
  discovery: string;
  insecure: boolean;
  pollInterval: number | null;
  hasCredentials: boolean;
  notificationSecret?: string;
  notificationUrl?: string;
}

const path = (a: string): string => `/v1/accounts/${enc(a)}/registries`;

/**
 * Watched registries, known by name (`/v1/accounts/{a}/registries`). The password is read from a file
 * (or an environment variable) when apply runs, never written in the apply file; the server never
 * shows it back, so a plan sees whether a registry has credentials, not whether the password changed.
 */
export const registriesKind: CollectionKind = {
  shape: 'collection',
  key: 'registries',
  title: 'registry',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'url', 'discovery'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
      url: { type: 'string', minLength: 1, maxLength: 300 },
      discovery: { enum: ['NOTIFICATIONS', 'POLLING', 'BOTH'] },
      insecure: { type: 'boolean' },
      pollInterval: { type: 'integer', minimum: 60, maximum: 604800 },
      credentials: {
        type: 'object',
        additionalProperties: false,
        required: ['username'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 256 },
          passwordFile: { type: 'string', minLength: 1, description: 'relative to the apply file' },
          passwordEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        },
        oneOf: [{ required: ['passwordFile'] }, { required: ['passwordEnv'] }],
      },
    },
  },
  identityOf: (item) => (item as RegistryDecl).name,
  async desired(item, ctx): Promise<Desired> {
    const r = item as RegistryDecl;
    const insecure = r.insecure ?? false;
    let url: string;
    try {
      url = registryUrlOf(registryHostOf(r.url, insecure), insecure);
    } catch (err) {
      throw problem(`registry "${r.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
    const fields = defined({
      url,
      discovery: r.discovery,
      insecure,
      pollInterval: r.pollInterval,
      hasCredentials: r.credentials !== undefined,
    });
    const credentials = r.credentials ? await credentialsOf(r, ctx.baseDir) : undefined;
    const body = defined({ ...fields, url: r.url, hasCredentials: undefined, name: r.name, credentials });
    return { identity: r.name, fields, body, sensitive: ['credentials'] };
  },
  async list(ctx): Promise<LiveObject[]> {
    const { registries } = await ctx.client.get<{ registries: Registry[] }>(path(ctx.accountId));
    return registries.map((r) => ({
      id: r.id,
      identity: r.name,
      fields: {
        url: r.url,
        discovery: r.discovery,
        insecure: r.insecure,
        pollInterval: r.pollInterval,
        hasCredentials: r.hasCredentials,
      },
    }));
  },
  async create(ctx, d) {
    const r = await ctx.client.post<Registry>(path(ctx.accountId), d.body);
    const shown: Record<string, string> = {};
    if (r.notificationUrl) shown['notificationUrl'] = r.notificationUrl;
    if (r.notificationSecret) shown['notificationSecret'] = r.notificationSecret;
    return { id: r.id, shownOnce: shown };
  },
  async update(ctx, live, d, changed) {
    const body = d.body as Record<string, unknown>;
    const patch: Record<string, unknown> = {};
    for (const k of changed) {
      if (k === 'hasCredentials') patch['credentials'] = body['credentials'] ?? null;
      else patch[k] = k === 'url' ? body['url'] : d.fields[k];
    }
    await ctx.client.patch(`${path(ctx.accountId)}/${enc(live.id)}`, patch);
  },
  async remove(ctx, live) {
    await ctx.client.delete(`${path(ctx.accountId)}/${enc(live.id)}`);
  },
};

async function credentialsOf(
  r: RegistryDecl,
  baseDir: string,
): Promise<{ username: string; password: string }> {
  const c = r.credentials ?? { username: '' };
  let password: string | undefined;
  if (c.passwordFile !== undefined) {
    try {
      password = (await readFile(resolve(baseDir, c.passwordFile), 'utf8')).replace(/\r?\n$/, '');
    } catch {
      throw problem(`registry "${r.name}": cannot read passwordFile ${c.passwordFile}`);
    }
  } else if (c.passwordEnv !== undefined) password = process.env[c.passwordEnv];
  if (!password) throw problem(`registry "${r.name}": the password is empty or not set`);
  return { username: c.username, password };
}

function problem(message: string): ApplyFileError {
  return new ApplyFileError('the apply file', [{ path: 'registries', message }]);
}
