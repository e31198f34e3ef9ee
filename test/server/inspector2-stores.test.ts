import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/accounts/api-keys.js';
import { awsSigningIdentity, createAwsCredentials } from '../../src/accounts/aws-access-keys.js';
import { getImageRescan, setImageRescan } from '../../src/accounts/image-rescan-settings.js';
import {
  annotateFilter,
  dropFilterAnnotation,
  filterAnnotations,
} from '../../src/findings/filter-annotations.js';
import {
  createSavedFilter,
  deleteSavedFilter,
  getSavedFilter,
  listSavedFilters,
  updateSavedFilter,
} from '../../src/findings/saved-filters.js';
import { SecretBox } from '../../src/store/secret-box.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { insertAccount } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';

// The Inspector2-compatible API's repositories (AWS credentials, saved filters, filter annotations,
// the image rescan window) on SQLite and PostgreSQL (service-repositories.contract.test.ts lists them).

const T1 = new Date('2026-04-01T10:00:00.000Z');
const T2 = new Date('2026-04-02T10:00:00.000Z');
const eq = (value: string): Array<{ comparison: 'EQUALS'; value: string }> => [
  { comparison: 'EQUALS', value },
];

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'inspector2 stores on %s',
  (_name, make) => {
    const backend = make();
    let db: ServiceDb;
    const box = SecretBox.ephemeral();

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      for (const id of ['acct-a', 'acct-b']) await insertAccount(db, id);
    });
    afterAll(async () => {
      await db.close();
      await backend.teardown();
    });

    it('AWS credentials: bound to a new vigil key, secret sealed at rest, gone with the key', async () => {
      const c = await createAwsCredentials(db.kysely, box, { accountId: 'acct-a', role: 'member', now: T1 });
      expect(c.accessKeyId).toMatch(/^VGIL[A-Z2-7]{16}$/);
      expect(c.secretAccessKey).toHaveLength(40);
      const identity = await awsSigningIdentity(db.kysely, box, c.accessKeyId);
      expect(identity).toMatchObject({
        secretAccessKey: c.secretAccessKey,
        principal: { keyId: c.keyId, accountId: 'acct-a', role: 'member' },
      });
      const row = await db.kysely.selectFrom('aws_access_keys').selectAll().executeTakeFirstOrThrow();
      expect(row.secret_sealed).not.toContain(c.secretAccessKey);
      // Another server key opens nothing.
      await expect(awsSigningIdentity(db.kysely, SecretBox.ephemeral(), c.accessKeyId)).rejects.toThrow();
      expect(await awsSigningIdentity(db.kysely, box, 'VGILAAAAAAAAAAAAAAAA')).toBeUndefined();
      await revokeApiKey(db.kysely, { accountId: 'acct-a', keyId: c.keyId, now: T2 });
      expect(await awsSigningIdentity(db.kysely, box, c.accessKeyId)).toBeUndefined();
    });

    it('saved filters: created, listed oldest first, patched, deleted, each within its account', async () => {
      const a1 = await createSavedFilter(db.kysely, {
        accountId: 'acct-a',
        name: 'high',
        filter: { severity: eq('HIGH') },
        keyId: 'k',
        now: T1,
      });
      const a2 = await createSavedFilter(db.kysely, {
        accountId: 'acct-a',
        name: 'web',
        reason: 'triage',
        filter: { resourceId: eq('web') },
        keyId: 'k',
        now: T2,
      });
      const b1 = await createSavedFilter(db.kysely, {
        accountId: 'acct-b',
        name: 'b',
        filter: {},
        keyId: 'k',
        now: T1,
      });
      expect((await listSavedFilters(db.kysely, ['acct-a'])).map((f) => f.id)).toEqual([a1.id, a2.id]);
      expect((await listSavedFilters(db.kysely, ['acct-a', 'acct-b'])).length).toBe(3);
      expect(await getSavedFilter(db.kysely, 'acct-b', a1.id)).toBeUndefined();
      expect(
        await updateSavedFilter(db.kysely, { accountId: 'acct-b', id: a1.id, patch: { name: 'x' }, now: T2 }),
      ).toBeUndefined();
      const patched = await updateSavedFilter(db.kysely, {
        accountId: 'acct-a',
        id: a1.id,
        patch: { filter: { severity: eq('LOW') } },
        now: T2,
      });
      expect(patched).toEqual({ ...a1, filter: { severity: eq('LOW') }, updatedAt: T2.toISOString() });
      expect(await deleteSavedFilter(db.kysely, 'acct-b', a1.id)).toBe(false);
      expect(await deleteSavedFilter(db.kysely, 'acct-a', a1.id)).toBe(true);
      expect((await listSavedFilters(db.kysely, ['acct-a', 'acct-b'])).map((f) => f.id)).toEqual([
        b1.id,
        a2.id,
      ]);
    });

    it('filter annotations: description and tags kept apart, absent fields kept, dropped with the filter', async () => {
      await annotateFilter(db.kysely, {
        accountId: 'acct-a',
        filterId: 'f1',
        description: 'd',
        tags: { owner: 'sec' },
      });
      await annotateFilter(db.kysely, { accountId: 'acct-a', filterId: 'f1', tags: { owner: 'ops' } });
      await annotateFilter(db.kysely, { accountId: 'acct-b', filterId: 'f2', description: 'b' });
      expect(await filterAnnotations(db.kysely, ['acct-a'], ['f1', 'f2'])).toEqual(
        new Map([['f1', { description: 'd', tags: { owner: 'ops' } }]]),
      );
      await dropFilterAnnotation(db.kysely, 'acct-a', 'f1');
      expect(
        (await filterAnnotations(db.kysely, ['acct-a', 'acct-b'], ['f1', 'f2'])).get('f1'),
      ).toBeUndefined();
    });

    it('image rescan window: the default until set, replaced whole, unknown accounts undefined', async () => {
      expect(await getImageRescan(db.kysely, 'acct-a')).toEqual({ rescanDuration: 'DAYS_90' });
      await setImageRescan(db.kysely, {
        accountId: 'acct-a',
        rescanDuration: 'DAYS_30',
        pullDateRescanDuration: 'DAYS_14',
        pullDateRescanMode: 'LAST_PULL_DATE',
        now: T1,
      });
      expect(
        await setImageRescan(db.kysely, { accountId: 'acct-a', rescanDuration: 'LIFETIME', now: T2 }),
      ).toEqual({
        rescanDuration: 'LIFETIME',
        updatedAt: T2.toISOString(),
      });
      expect(await getImageRescan(db.kysely, 'acct-b')).toEqual({ rescanDuration: 'DAYS_90' });
      expect(
        await setImageRescan(db.kysely, { accountId: 'nobody', rescanDuration: 'DAYS_14', now: T1 }),
      ).toBeUndefined();
      expect(await getImageRescan(db.kysely, 'nobody')).toBeUndefined();
    });
  },
);
