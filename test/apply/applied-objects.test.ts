import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '../server/api-server.js';
import { BACKENDS, type Backend } from '../server/service-db-backends.js';
import {
  applyArgs,
  auditMark,
  auditSince,
  get,
  isMark,
  startApplyServer,
  vigil,
  writeFile,
  type ApplyServer,
  type AuditRow,
  type CliRun,
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

  const lastSeq = async (): Promise<number> => (await auditSince(s, 0)).at(-1)?.seq ?? 0;

  /** Marks the log and waits for the mark: the rows after `seq` of every earlier write are then there. */
  async function settled(seq: number): Promise<AuditRow[]> {
    await auditMark(s);
    return vi.waitFor(async () => {
      const r = await auditSince(s, seq);
      expect(r.some(isMark)).toBe(true);
      return r;
    });
  }

  /** Runs vigil and returns it with the actions of the audit rows its writes left, sorted. */
  async function withWrites(args: string[]): Promise<CliRun & { writes: string[] }> {
    const last = (await settled(await lastSeq())).at(-1)?.seq ?? 0;
    const run = await vigil(args);
    const rows = await settled(last);
    return {
      ...run,
      writes: rows
        .filter((r) => !isMark(r))
        .map((r) => r.action)
        .sort(),
    };
  }

  it('refuses a file with typos, naming each path and line, and applies nothing', async () => {
    let bad = edit(EXAMPLE, 'reason: Triaged weekly', 'resaon: Triaged weekly');
    bad = edit(
      bad,
      "{ repositoryFilter: 'prod/*', scanFrequency: CONTINUOUS_SCAN }",
      "{ repositoryFilter: 'prod/*', scanFrequency: CONTINUOUS }",
    );
    const file = writeFile(s, 'typo.yaml', bad);
    const lineOf = (needle: string): number => bad.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const r = await withWrites(applyArgs(s, file));
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
    expect(r.writes).toEqual([]);
    const { accounts } = await get<{ accounts: Account[] }>(s, '/v1/accounts');
    expect(accounts).toMatchObject([{ id: 'security', organizationId: null }]);
  });

  it('--dry-run prints the whole plan and writes nothing', async () => {
    const r = await withWrites(applyArgs(s, example, '--dry-run'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '  + organization "Example Corp" (delegated administrator: account "security")\n',
    );
    expect(r.stdout).toContain('  + VEX document "vex/payments-cyclonedx.json" in account "production"\n');
    expect(r.stdout).toContain('\nPlan: 17 to add, 6 to change, 0 to destroy.\n');
    expect(r.writes).toEqual([]);
  });

  it('creates the whole organization of the example on an empty server', async () => {
    const r = await withWrites(applyArgs(s, example));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete: 17 added, 6 changed, 0 destroyed.\n');
    // The organization, 2 accounts, 6 settings, 13 objects each created and recorded as owned, and an
    // assessment template made with its own target (two creates) and recorded.
    expect(r.writes).toHaveLength(1 + 2 + 6 + 13 * 2 + 3);
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
    expect(await get(s, '/v1/accounts/security/cis-scan-configurations')).toMatchObject({
      scanConfigurations: [
        {
          scanName: 'weekly web hosts',
          securityLevel: 'LEVEL_1',
          schedule: {
            weekly: { startTime: { timeOfDay: '02:30', timezone: 'Europe/Paris' }, days: ['MON', 'THU'] },
          },
          targets: { accountIds: ['production', 'staging'], targetResourceTags: { tier: ['web'] } },
        },
      ],
    });
    expect(
      await names(s, '/v1/accounts/production/cis-scan-configurations', 'scanConfigurations', 'scanName'),
    ).toEqual(['nightly production level 2']);
    const { assessmentTemplates } = await get<{
      assessmentTemplates: Array<{ name: string; assessmentTargetId: string }>;
    }>(s, '/v1/accounts/production/assessment-templates');
    expect(assessmentTemplates).toMatchObject([
      {
        name: 'production web weekly',
        rulesPackages: ['CVE', 'CIS', 'NETWORK_REACHABILITY', 'SECURITY_BEST_PRACTICES'],
        durationInSeconds: 3600,
        userAttributes: [{ key: 'owner', value: 'platform-team' }],
        eventSubscriptions: ['ASSESSMENT_RUN_COMPLETED'],
        schedule: { cron: '0 3 * * 0', timezone: 'Europe/Paris' },
      },
    ]);
    expect(
      await get(
        s,
        `/v1/accounts/production/assessment-targets/${assessmentTemplates[0]?.assessmentTargetId}`,
      ),
    ).toMatchObject({ name: 'production web weekly', resourceTags: { tier: ['web'] } });
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
      'nightly production level 2',
      'production databases',
      'production registry',
      'production web hosts',
      'production web weekly',
      'vex/payments-cyclonedx.json',
      'vex/web-openvex.json',
    ]);
    expect(await owned('staging')).toEqual(['staging hosts', 'staging low severity']);
  });

  it('a second apply prints "No changes" and writes nothing', async () => {
    const r = await withWrites(applyArgs(s, example));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`No changes. The server matches ${example}.\n`);
    expect(r.writes).toEqual([]);
  });

  /** The example with a few changes, and without staging's suppression rule (which apply created). */
  const changed = (): string => {
    let t = edit(
      EXAMPLE,
      'trustedCidrs: [10.8.0.0/16, 192.0.2.0/24]',
      'trustedCidrs: [10.8.0.0/16, 192.0.2.0/24, 198.51.100.0/24]',
    );
    t = edit(t, 'reason: Triaged weekly, not paged.', 'reason: Triaged monthly.');
    t = edit(t, '        enabled: true\n', '        enabled: false\n');
    t = edit(t, '        maxUses: 10\n', '        maxUses: 20\n');
    t = edit(t, "timeOfDay: '01:00'", "timeOfDay: '03:00'");
    return edit(
      t,
      '    suppressionRules:\n      - name: staging low severity\n        reason: Staging is rebuilt nightly; low findings are fixed by the next build.\n        filter:\n          severity: [{ comparison: EQUALS, value: LOW }]\n',
      '',
    );
  };

  it('a changed file prints the exact diff, applies just that, and then matches', async () => {
    const file = writeFile(s, 'changed.yaml', changed());
    const plan = await vigil(applyArgs(s, file, '--dry-run'));
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toBe(
      [
        'vigil apply will perform these actions:',
        '',
        '  ~ network settings of account "security"',
        '      ~ trustedCidrs: ["10.8.0.0/16","192.0.2.0/24"] -> ["10.8.0.0/16","192.0.2.0/24","198.51.100.0/24"]',
        '',
        '  ~ suppression rule "informational findings" in account "production"',
        '      ~ reason: "Triaged weekly, not paged." -> "Triaged monthly."',
        '',
        '  ~ webhook "https://hooks.example.org/vigil/production" in account "production"',
        '      ~ enabled: true -> false',
        '',
        '-/+ enrollment token "production databases" in account "production" (cannot change in place: replaced)',
        '      ~ maxUses: 10 -> 20',
        '',
        '  ~ CIS scan configuration "nightly production level 2" in account "production"',
        '      ~ schedule: {"daily":{"startTime":{"timeOfDay":"01:00","timezone":"UTC"}}} -> {"daily":{"startTime":{"timeOfDay":"03:00","timezone":"UTC"}}}',
        '',
        'Plan: 1 to add, 4 to change, 1 to destroy.',
        'Note: suppression rule "staging low severity" of account "staging" was created by apply and is no longer declared; kept (--prune deletes it).',
        '',
      ].join('\n'),
    );
    const r = await withWrites(applyArgs(s, file));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete: 1 added, 4 changed, 1 destroyed.\n');
    const owned = '/v1/accounts/{accountId}/applied-objects/{appliedKind}/{appliedObjectId}';
    expect(r.writes).toEqual(
      [
        'PUT /v1/accounts/{accountId}/network-settings',
        'PATCH /v1/accounts/{accountId}/suppression-rules/{ruleId}',
        'PATCH /v1/accounts/{accountId}/webhooks/{subscriptionId}',
        'PUT /v1/accounts/{accountId}/cis-scan-configurations/{scanConfigurationId}',
        'DELETE /v1/accounts/{accountId}/enrollment-tokens/{tokenId}',
        `DELETE ${owned}`,
        'POST /v1/accounts/{accountId}/enrollment-tokens',
        `PUT ${owned}`,
      ].sort(),
    );
    const tokens = await get<{ tokens: Array<{ name: string; maxUses: number; revokedAt: string | null }> }>(
      s,
      '/v1/accounts/production/enrollment-tokens',
    );
    expect(
      tokens.tokens.filter((t) => t.name === 'production databases' && t.revokedAt === null),
    ).toMatchObject([{ maxUses: 20 }]);
    const again = await withWrites(applyArgs(s, file));
    expect(again.stdout).toMatch(/^No changes\. /);
    expect(again.writes).toEqual([]);
    expect(await names(s, '/v1/accounts/staging/suppression-rules', 'rules')).toEqual([
      'staging low severity',
    ]);
  });

  it('--prune deletes only what apply created; a declared hand-made object becomes owned', async () => {
    const rule = {
      reason: 'made by hand',
      filter: { severity: [{ comparison: 'EQUALS', value: 'MEDIUM' }] },
    };
    for (const [path, body] of [
      ['/v1/accounts/staging/suppression-rules', { name: 'hand-made', ...rule }],
      ['/v1/accounts/production/webhooks', { url: 'https://hooks.example.org/hand-made' }],
    ] as const)
      expect((await call(s.base, s.key, 'POST', path, body)).status).toBe(201);
    const file = writeFile(s, 'changed.yaml', changed());
    const r = await withWrites(applyArgs(s, file, '--prune'));
    expect(r.writes).toEqual([
      'DELETE /v1/accounts/{accountId}/applied-objects/{appliedKind}/{appliedObjectId}',
      'DELETE /v1/accounts/{accountId}/suppression-rules/{ruleId}',
    ]);
    expect(r.stdout).toBe(
      [
        'vigil apply will perform these actions:',
        '',
        '  - suppression rule "staging low severity" in account "staging"',
        '',
        'Plan: 0 to add, 0 to change, 1 to destroy.',
        '',
        'Apply complete: 0 added, 0 changed, 1 destroyed.',
        '',
      ].join('\n'),
    );
    expect(await names(s, '/v1/accounts/staging/suppression-rules', 'rules')).toEqual(['hand-made']);
    expect(await names(s, '/v1/accounts/production/webhooks', 'webhooks', 'url')).toEqual([
      'https://hooks.example.org/hand-made',
      'https://hooks.example.org/vigil/production',
    ]);
    expect(await names(s, '/v1/accounts/staging/applied-objects', 'objects', 'identity')).toEqual([
      'staging hosts',
    ]);

    // The webhook as a person may type it: the server keeps the URL's WHATWG form, and so does apply.
    const withHook = edit(
      changed(),
      '      - url: https://hooks.example.org/vigil/production\n',
      '      - url: https://HOOKS.example.org/hand-made\n      - url: https://hooks.example.org/vigil/production\n',
    );
    const adopting = edit(
      withHook,
      '    enrollmentTokens:\n      - name: staging hosts',
      '    suppressionRules:\n      - name: hand-made\n        reason: now declared\n        filter: { severity: [{ comparison: EQUALS, value: MEDIUM }] }\n    enrollmentTokens:\n      - name: staging hosts',
    );
    const adopt = await vigil(applyArgs(s, writeFile(s, 'adopt.yaml', adopting), '--prune'));
    expect(adopt.stdout).toContain(
      '  ~ suppression rule "hand-made" in account "staging" (now owned by apply)\n      ~ reason: "made by hand" -> "now declared"\n',
    );
    expect(adopt.stdout).toContain(
      '  ~ webhook "https://hooks.example.org/hand-made" in account "production" (now owned by apply)\n\n',
    );
    expect(adopt.stdout).toContain('Plan: 0 to add, 2 to change, 0 to destroy.\n');
    expect(await names(s, '/v1/accounts/production/webhooks', 'webhooks', 'url')).toEqual([
      'https://hooks.example.org/hand-made',
      'https://hooks.example.org/vigil/production',
    ]);
    expect(await names(s, '/v1/accounts/staging/applied-objects', 'objects', 'identity')).toEqual([
      'hand-made',
      'staging hosts',
    ]);
  });
});
