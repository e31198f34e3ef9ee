import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../server/api-server.js';
import { BACKENDS, type Backend } from '../server/service-db-backends.js';
import {
  applyArgs,
  auditCount,
  get,
  startApplyServer,
  vigil,
  writeFile,
  type ApplyServer,
} from './apply-harness.js';

/**
 * `vigil apply` against the real server (127.0.0.1, port 0) on SQLite and PostgreSQL, with the
 * organization of examples/organization.yaml: a file with typos applies nothing; the example creates
 * every object (read back through the API); a second run writes nothing (the audit log, which records
 * every mutating call, does not grow); a changed file prints its exact diff; `--prune` deletes only
 * what apply created (its applied_objects rows), never objects made by hand.
 */
const EXAMPLES = join(import.meta.dirname, '../../examples');
const EXAMPLE = readFileSync(join(EXAMPLES, 'organization.yaml'), 'utf8');

interface Account {
  id: string;
  organizationId: string | null;
}

/** Replaces text that must be there (a silent no-op edit would make the diff test vacuous). */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the example no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const names = async (s: ApplyServer, path: string, list: string, key = 'name'): Promise<string[]> =>
  ((await get<Record<string, Array<Record<string, unknown>>>>(s, path))[list] ?? [])
    .map((o) => String(o[key]))
    .sort();

describe.each(BACKENDS.map((make) => [make().name, make] as const))('vigil apply on %s', (_name, make) => {
  let backend: Backend;
  let s: ApplyServer;
  let example: string;

  beforeAll(async () => {
    backend = make();
    await backend.setup();
    s = await startApplyServer((await backend.fresh()).db);
    cpSync(join(EXAMPLES, 'vex'), join(s.dir, 'vex'), { recursive: true });
    example = join(EXAMPLES, 'organization.yaml');
  }, 120_000);

  afterAll(async () => {
    await s.close();
    await backend.teardown();
  });

  it('refuses a file with typos, naming each path and line, and applies nothing', async () => {
    let bad = edit(EXAMPLE, 'reason: Triaged weekly', 'resaon: Triaged weekly');
    bad = edit(
      bad,
      '{ repositoryFilter: "prod/*", scanFrequency: CONTINUOUS_SCAN }',
      '{ repositoryFilter: "prod/*", scanFrequency: CONTINUOUS }',
    );
    const file = writeFile(s, 'typo.yaml', bad);
    const lineOf = (needle: string): number => bad.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const r = await vigil(applyArgs(s, file));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `vigil: error [APPLY_FILE_INVALID]: ${file} is not a valid apply file; nothing was applied:`,
    );
    expect(r.stderr).toContain(
      `  accounts[1].suppressionRules[1].resaon (line ${lineOf('resaon:')}): unknown key\n`,
    );
    expect(r.stderr).toContain(
      `  accounts[1].suppressionRules[1] (line ${lineOf('- name: informational findings')}): missing required key "reason"\n`,
    );
    expect(r.stderr).toContain(
      `  accounts[1].imageScanning.rules[0].scanFrequency (line ${lineOf('CONTINUOUS }')}): must be one of "SCAN_ON_PUSH", "CONTINUOUS_SCAN"\n`,
    );
    expect(await auditCount(s)).toBe(0);
    const { accounts } = await get<{ accounts: Account[] }>(s, '/v1/accounts');
    expect(accounts).toMatchObject([{ id: 'security', organizationId: null }]);
  });

  it('--dry-run prints the whole plan and writes nothing', async () => {
    const r = await vigil(applyArgs(s, example, '--dry-run'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '  + organization "Example Corp" (delegated administrator: account "security")\n',
    );
    expect(r.stdout).toContain('  + VEX document "vex/payments-cyclonedx.json" in account "production"\n');
    expect(r.stdout).toContain('\nPlan: 14 to add, 6 to change, 0 to destroy.\n');
    expect(await auditCount(s)).toBe(0);
  });

  it('creates the whole organization of the example on an empty server', async () => {
    const r = await vigil(applyArgs(s, example));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete: 14 added, 6 changed, 0 destroyed.\n');
    expect(r.stdout).toMatch(
      /webhook "https:\/\/hooks.example.org\/vigil\/production" of account "production": secret \(shown once\): \S{20,}/,
    );
    expect(r.stdout).toMatch(
      /enrollment token "staging hosts" of account "staging": token \(shown once\): ve_\S+/,
    );

    const { accounts } = await get<{ accounts: Account[] }>(s, '/v1/accounts');
    expect(accounts.map((a) => a.id).sort()).toEqual(['production', 'security', 'staging']);
    const orgId = accounts[0]?.organizationId;
    expect(accounts.every((a) => a.organizationId === orgId && orgId !== null)).toBe(true);
    expect(await get(s, `/v1/organizations/${orgId}`)).toMatchObject({
      name: 'Example Corp',
      delegatedAdminAccountId: 'security',
    });
    expect(await get(s, '/v1/accounts/staging')).toMatchObject({
      name: 'Staging',
      scanning: { host: true, image: true, network: false },
    });
    expect(await get(s, '/v1/accounts/production/image-scanning')).toMatchObject({
      rescanDuration: 'DAYS_90',
      rules: [
        { repositoryFilter: 'prod/*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' },
        { repositoryFilter: '*', filterType: 'WILDCARD', scanFrequency: 'SCAN_ON_PUSH' },
      ],
    });
    expect(await get(s, '/v1/accounts/security/network-settings')).toEqual({
      trustedCidrs: ['10.8.0.0/16', '192.0.2.0/24'],
    });
    expect(await get(s, '/v1/accounts/production/registries')).toMatchObject({
      registries: [
        { name: 'production registry', url: 'https://10.20.0.5:5000', discovery: 'BOTH', pollInterval: 3600 },
      ],
    });
    expect(await names(s, '/v1/accounts/production/suppression-rules', 'rules')).toEqual([
      'accepted glibc risk on web images',
      'informational findings',
    ]);
    expect(await names(s, '/v1/accounts/staging/suppression-rules', 'rules')).toEqual([
      'staging low severity',
    ]);
    expect(await names(s, '/v1/accounts/security/webhooks', 'webhooks', 'url')).toEqual([
      'https://hooks.example.org/vigil/security',
    ]);
    expect(await names(s, '/v1/accounts/production/enrollment-tokens', 'tokens')).toEqual([
      'production databases',
      'production web hosts',
    ]);
    expect(await names(s, '/v1/accounts/production/vex', 'documents', 'format')).toEqual([
      'cyclonedx',
      'openvex',
    ]);
    const owned = async (a: string): Promise<string[]> =>
      await names(s, `/v1/accounts/${a}/applied-objects`, 'objects', 'identity');
    expect(await owned('production')).toEqual([
      'accepted glibc risk on web images',
      'https://hooks.example.org/vigil/production',
      'informational findings',
      'production databases',
      'production registry',
      'production web hosts',
      'vex/payments-cyclonedx.json',
      'vex/web-openvex.json',
    ]);
    expect(await owned('staging')).toEqual(['staging hosts', 'staging low severity']);
  });

  it('a second apply prints "No changes" and writes nothing', async () => {
    const before = await auditCount(s);
    expect(before).toBeGreaterThan(20);
    const r = await vigil(applyArgs(s, example));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`No changes. The server matches ${example}.\n`);
    expect(await auditCount(s)).toBe(before);
  });
});
