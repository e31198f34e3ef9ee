import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';

/**
 * The objects `vigil apply` created, per account (table applied_objects). apply records each object
 * right after its API created it and forgets it once deleted; `vigil apply --prune` deletes only
 * objects listed here, so nothing made by hand or by another tool is ever pruned.
 */
export interface AppliedObject {
  kind: string;
  objectId: string;
  identity: string;
  recordedAt: string;
}

export async function listAppliedObjects(
  k: Kysely<ServiceDatabase>,
  accountId: string,
): Promise<AppliedObject[]> {
  const rows = await k
    .selectFrom('applied_objects')
    .select(['kind', 'object_id', 'identity', 'recorded_at'])
    .where('account_id', '=', accountId)
    .orderBy('kind')
    .orderBy('object_id')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    objectId: r.object_id,
    identity: r.identity,
    recordedAt: r.recorded_at,
  }));
}

/** Records (or re-records under a new identity) that apply owns an object. */
export async function recordAppliedObject(
  k: Kysely<ServiceDatabase>,
  row: { accountId: string; kind: string; objectId: string; identity: string; now: Date },
): Promise<AppliedObject> {
  const recordedAt = row.now.toISOString();
  await k
    .insertInto('applied_objects')
    .values({
      account_id: row.accountId,
      kind: row.kind,
      object_id: row.objectId,
      identity: row.identity,
      recorded_at: recordedAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'kind', 'object_id'])
        .doUpdateSet({ identity: row.identity, recorded_at: recordedAt }),
    )
    .execute();
  return { kind: row.kind, objectId: row.objectId, identity: row.identity, recordedAt };
}

/** Forgets an object; false when apply did not own it. */
export async function forgetAppliedObject(
  k: Kysely<ServiceDatabase>,
  row: { accountId: string; kind: string; objectId: string },
): Promise<boolean> {
  const r = await k
    .deleteFrom('applied_objects')
    .where('account_id', '=', row.accountId)
    .where('kind', '=', row.kind)
    .where('object_id', '=', row.objectId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
