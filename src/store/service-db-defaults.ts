/**
 * The service DB used when none is named. Apart from service-db.ts so a command's help can name it
 * without loading the database drivers and Kysely.
 */
export const DEFAULT_SERVICE_DB_URL = 'sqlite:./vigil-data/vigil.sqlite';
