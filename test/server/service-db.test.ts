import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';

const NOW = '2026-01-02T03:04:05.000Z';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('service DB on %s', (_name, make) => {
  const backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('migrates an empty DB and re-opening it migrates nothing again', async () => {
    const { db, url } = await backend.fresh();
    await db.close();
    const again = await openServiceDb({ url });
    const tables = await again.kysely.introspection.getTables();
    const names = tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_'));
    expect(names.sort()).toEqual([
      'accounts',
      'api_keys',
      'applied_objects',
      'assessment_runs',
      'assessment_targets',
      'assessment_templates',
      'audit_log',
      'aws_access_keys',
      'cis_scan_configs',
      'cis_scan_targets',
      'cis_scans',
      'cloud_networks',
      'console_sessions',
      'coverage',
      'enrollment_tokens',
      'filter_annotations',
      'finding_daily_counts',
      'finding_documents',
      'finding_status_history',
      'findings',
      'findings_digests',
      'host_agents',
      'host_assessment_facts',
      'host_keys',
      'host_network',
      'image_layer_chains',
      'image_scan_configs',
      'inventories',
      'inventory_packages',
      'network_settings',
      'organizations',
      'outbox',
      'queued_uploads',
      'registries',
      'registry_images',
      'rematch_state',
      'reports',
      'resource_tags',
      'resources',
      'saved_filters',
      'scans',
      'suppression_rules',
      'vex_documents',
      'webhook_deliveries',
      'webhook_subscriptions',
    ]);
    await again.close();
  });

  it('stores organizations, accounts, keys and resources and reads them back', async () => {
    const { db } = await backend.fresh();
    const k = db.kysely;
    await k
      .insertInto('organizations')
      .values({ id: 'o1', name: 'Org', delegated_admin_account_id: 'a1', created_at: NOW })
      .execute();
    await k
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'A',
        organization_id: 'o1',
        host_scanning: 1,
        image_scanning: 0,
        network_scanning: 1,
        created_at: NOW,
      })
      .execute();
    await k
      .insertInto('api_keys')
      .values({
        id: 'k1',
        prefix: 'vk_abcd',
        secret_hash: 'h'.repeat(64),
        role: 'member',
        account_id: 'a1',
        created_at: NOW,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    await k
      .insertInto('resources')
      .values({
        id: 'host-1',
        account_id: 'a1',
        type: 'HOST',
        tags_json: '{"env":"prod"}',
        details_json: '{}',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    const acct = await k.selectFrom('accounts').selectAll().where('id', '=', 'a1').executeTakeFirstOrThrow();
    expect([acct.host_scanning, acct.image_scanning, acct.organization_id]).toEqual([1, 0, 'o1']);
    const key = await k.selectFrom('api_keys').select(['role', 'account_id']).executeTakeFirstOrThrow();
    expect(key).toEqual({ role: 'member', account_id: 'a1' });
    // A key's account must exist: the schema, not only the code, keeps keys from dangling.
    await expect(
      k
        .insertInto('api_keys')
        .values({
          id: 'k2',
          prefix: 'p',
          secret_hash: 'x',
          role: 'admin',
          account_id: 'nope',
          created_at: NOW,
          last_used_at: null,
          revoked_at: null,
        })
        .execute(),
    ).rejects.toThrow();
    await db.close();
  });

  it('keeps one finding per identity and numeric columns as numbers', async () => {
    const { db } = await backend.fresh();
    const row = {
      id: 'f1',
      account_id: 'a1',
      type: 'PACKAGE_VULNERABILITY',
      status: 'ACTIVE',
      severity: 'HIGH',
      score: 7.5,
      vulnerability_id: 'CVE-2024-1',
      package_name: 'openssl',
      resource_id: 'host-1',
      resource_type: 'HOST',
      first_observed_at: NOW,
      last_observed_at: NOW,
      updated_at: NOW,
      closed_at: null,
      fix_available: 'YES',
      exploit_available: 'NO',
      epss_score: 0.25,
      identity_key: 'CVE-2024-1|openssl',
    };
    await db.kysely.insertInto('findings').values(row).execute();
    // A second finding of the identity: PostgreSQL's index refuses it; SQLite's is not unique (m0032),
    // insertFindingRows refuses it there (finding-lifecycle.test.ts; the race: finding-resource-key.test.ts).
    // The same id again is refused on both.
    if (db.dialect === 'postgres')
      await expect(
        db.kysely
          .insertInto('findings')
          .values({ ...row, id: 'f2' })
          .execute(),
      ).rejects.toThrow();
    await expect(
      db.kysely
        .insertInto('findings')
        .values({ ...row, identity_key: 'other' })
        .execute(),
    ).rejects.toThrow();
    const back = await db.kysely
      .selectFrom('findings')
      .select(['score', 'epss_score'])
      .executeTakeFirstOrThrow();
    expect(back).toEqual({ score: 7.5, epss_score: 0.25 });
    // A finding's document (m0031) belongs to a finding and goes with it.
    await db.kysely.insertInto('finding_documents').values({ id: 'f1', finding_json: '{}' }).execute();
    await expect(
      db.kysely
        .insertInto('finding_documents')
        .values({ id: 'no-such-finding', finding_json: '{}' })
        .execute(),
    ).rejects.toThrow();
    await db.kysely.deleteFrom('findings').where('id', '=', 'f1').execute();
    expect(await db.kysely.selectFrom('finding_documents').select('id').execute()).toEqual([]);
    await db.close();
  });

  it('numbers outbox and audit rows in insertion order', async () => {
    const { db } = await backend.fresh();
    for (const type of ['a', 'b', 'c']) {
      await db.kysely
        .insertInto('outbox')
        .values({
          type,
          account_id: 'a1',
          subject: 'f1',
          payload_json: '{}',
          created_at: NOW,
          delivered_at: null,
        })
        .execute();
      await db.kysely
        .insertInto('audit_log')
        .values({
          at: NOW,
          key_id: null,
          account_id: 'a1',
          action: type,
          target: null,
          result: 'ok',
          details_json: '{}',
        })
        .execute();
    }
    const out = await db.kysely.selectFrom('outbox').select(['seq', 'type']).orderBy('seq').execute();
    expect(out.map((r) => r.type)).toEqual(['a', 'b', 'c']);
    expect(new Set(out.map((r) => Number(r.seq))).size).toBe(3);
    const audit = await db.kysely.selectFrom('audit_log').select('action').orderBy('seq').execute();
    expect(audit.map((r) => r.action)).toEqual(['a', 'b', 'c']);
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from outbox where delivered_at is null`.execute(db.kysely);
    expect(Number(rows[0]?.n)).toBe(3);
    await db.close();
  });

  it('rejects a URL that is neither sqlite: nor postgres://', async () => {
    await expect(openServiceDb({ url: 'mysql://x' })).rejects.toMatchObject({ code: 'SERVICE_DB' });
  });
});
