import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The full re-match's digest of each resource's findings (m0012's inventories.findings_digest) moves to
 * a narrow table of its own, `findings_digests`: one row while a digest vouches for the resource, none
 * when it does not.
 *
 * In the inventories row the digest sat beside the ~200 KB inventory JSON. SQLite writes a row whole
 * when its size changes, overflow pages included: each time the digest was set (a full re-match
 * vouching for a host) or cleared (an advisory's first finding on a host), the host's whole inventory
 * went through the WAL again. Measured on 500 such rows: 0.8 ms and 200 KB per row, against 0.1 ms and
 * 4 KB when the size stays. An advisory on 6,000 of 10,000 hosts cleared 6,000 digests, so about
 * 1.2 GB of inventories were rewritten before its findings were visible.
 *
 * The row goes with its inventory (foreign key, on delete cascade). The column is dropped: on SQLite
 * that rewrites the inventories table once.
 */
export function m0033FindingsDigests(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('findings_digests')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('findings_digests_pk', ['account_id', 'resource_id'])
        .addForeignKeyConstraint(
          'findings_digests_inventory',
          ['account_id', 'resource_id'],
          'inventories',
          ['account_id', 'resource_id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
      await sql`insert into findings_digests (account_id, resource_id, digest)
        select account_id, resource_id, findings_digest from inventories
        where findings_digest is not null`.execute(db);
      await db.schema.alterTable('inventories').dropColumn('findings_digest').execute();
    },
  };
}
