import type { Kysely, Migration } from 'kysely';

/**
 * Initial schema. Written with Kysely's schema builder only (no raw SQL) so the same migration runs on
 * SQLite and PostgreSQL. Lookups the matchers make: affected by (ecosystem, package_name); records,
 * cvss, kev and epss by id.
 */
export const m0001Initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('vulnerabilities')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('feed', 'text', (c) => c.notNull())
      .addColumn('aliases', 'text', (c) => c.notNull())
      .addColumn('related', 'text', (c) => c.notNull())
      .addColumn('published', 'text')
      .addColumn('modified', 'text', (c) => c.notNull())
      .addColumn('withdrawn', 'text')
      .addColumn('summary', 'text')
      .addColumn('reference_urls', 'text', (c) => c.notNull())
      .addColumn('cwes', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('vulnerabilities_pk', ['id', 'feed'])
      .execute();
    await db.schema.createIndex('vulnerabilities_feed').on('vulnerabilities').column('feed').execute();

    await db.schema
      .createTable('affected')
      .addColumn('vuln_id', 'text', (c) => c.notNull())
      .addColumn('feed', 'text', (c) => c.notNull())
      .addColumn('ecosystem', 'text', (c) => c.notNull())
      .addColumn('package_name', 'text', (c) => c.notNull())
      .addColumn('ranges', 'text', (c) => c.notNull())
      .addColumn('versions', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('fixed_version', 'text')
      .addColumn('vendor_severity', 'text')
      .execute();
    await db.schema
      .createIndex('affected_package')
      .on('affected')
      .columns(['ecosystem', 'package_name'])
      .execute();
    await db.schema.createIndex('affected_vuln').on('affected').columns(['vuln_id', 'feed']).execute();

    await db.schema
      .createTable('cvss')
      .addColumn('cve_id', 'text', (c) => c.notNull())
      .addColumn('feed', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('vector', 'text', (c) => c.notNull())
      .addColumn('base_score', 'real', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cvss_cve').on('cvss').columns(['cve_id', 'feed']).execute();

    await db.schema
      .createTable('kev')
      .addColumn('cve_id', 'text', (c) => c.primaryKey())
      .addColumn('date_added', 'text', (c) => c.notNull())
      .addColumn('due_date', 'text')
      .addColumn('known_ransomware', 'text')
      .addColumn('vendor_project', 'text')
      .addColumn('product', 'text')
      .execute();

    await db.schema
      .createTable('epss')
      .addColumn('cve_id', 'text', (c) => c.primaryKey())
      .addColumn('score', 'real', (c) => c.notNull())
      .addColumn('percentile', 'real', (c) => c.notNull())
      .addColumn('score_date', 'text')
      .execute();

    await db.schema
      .createTable('feed_status')
      .addColumn('feed', 'text', (c) => c.primaryKey())
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .addColumn('data_date', 'text')
      .addColumn('record_count', 'integer', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('last_change', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['meta', 'feed_status', 'epss', 'kev', 'cvss', 'affected', 'vulnerabilities']) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
