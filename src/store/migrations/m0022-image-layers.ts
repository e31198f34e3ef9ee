import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Image layers (issue 13's base-image hint and the IMAGE_LAYER aggregation):
 * - findings.layer_digest: the layer that added the finding's first vulnerable package (its
 *   `layerDigest`, Inspector2's `sourceLayerHash`), a column so IMAGE_LAYER groups by an index on both
 *   dialects instead of parsing every finding's JSON. Existing image findings are filled from their JSON.
 * - image_layer_chains: per image its ordered layer digests and the SHA-256 of that list (its chain),
 *   so "which known image's layers are a strict prefix of mine" is one indexed `chain_digest IN (…)`
 *   over the image's own prefixes. Written when an image scan is applied: images scanned before this
 *   migration are known as bases from their next scan on.
 */
export function m0022ImageLayers(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('findings').addColumn('layer_digest', 'text').execute();
      await backfillLayerDigests(db);
      await db.schema
        .createIndex('findings_layer_digest')
        .on('findings')
        .columns(['layer_digest', 'account_id'])
        .execute();
      await db.schema
        .createTable('image_layer_chains')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('chain_digest', 'text', (c) => c.notNull())
        .addColumn('layer_count', 'integer', (c) => c.notNull())
        .addColumn('layers_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('image_layer_chains_pk', ['account_id', 'resource_id'])
        .execute();
      await db.schema
        .createIndex('image_layer_chains_chain')
        .on('image_layer_chains')
        .columns(['account_id', 'chain_digest'])
        .execute();
    },
  };
}

/** Image findings only (hosts have no layers), in pages by id so a large DB is not read at once. */
async function backfillLayerDigests(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; finding_json: string }>`
      select id, finding_json from findings
      where resource_type = 'CONTAINER_IMAGE' and id > ${after} order by id limit 1000`.execute(db);
    for (const row of rows) {
      const f = JSON.parse(row.finding_json) as {
        packageVulnerabilityDetails?: { vulnerablePackages?: Array<{ layerDigest?: string }> };
      };
      const layer = f.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.layerDigest;
      if (layer) await sql`update findings set layer_digest = ${layer} where id = ${row.id}`.execute(db);
    }
    const last = rows[rows.length - 1];
    if (!last) return;
    after = last.id;
  }
}
