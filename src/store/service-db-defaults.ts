/**
 * The service DB used when none is named. Apart from service-db.ts so a command's help can name it
 * without loading the database drivers and Kysely.
 */
export const DEFAULT_SERVICE_DB_URL = 'sqlite:./vigil-data/vigil.sqlite';

/** How long a SQLite connection of the server waits for a lock before SQLITE_BUSY. */
export const SERVER_BUSY_TIMEOUT_MS = 30_000;
