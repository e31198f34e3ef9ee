import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Network reachability in the service (issue 15): the facts agents send and their analysis, the
 * account's cloud network, and the findings columns FilterCriteria `networkProtocol` and `portRange`
 * compile to. Package findings leave the new columns null; the indexes lead with them, so a filter on
 * them reads only network findings, with the list's visibility filter and sort key alongside.
 */
export function m0017NetworkReachability(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('host_network')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('facts_hash', 'text', (c) => c.notNull())
        .addColumn('facts_json', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('exposure_json', 'text')
        .addColumn('analysed_at', 'text')
        .addPrimaryKeyConstraint('host_network_pk', ['account_id', 'resource_id'])
        .execute();
      await db.schema
        .createIndex('host_network_instance')
        .on('host_network')
        .columns(['account_id', 'instance_id'])
        .execute();
      await db.schema
        .createTable('cloud_networks')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('network_json', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('findings').addColumn('network_protocol', 'text').execute();
      await db.schema.alterTable('findings').addColumn('port_begin', 'integer').execute();
      await db.schema.alterTable('findings').addColumn('port_end', 'integer').execute();
      await db.schema
        .createIndex('findings_network_protocol')
        .on('findings')
        .expression(sql`network_protocol, account_id, id`)
        .execute();
      await db.schema
        .createIndex('findings_port_range')
        .on('findings')
        .expression(sql`port_begin, port_end, account_id, id`)
        .execute();
    },
  };
}
