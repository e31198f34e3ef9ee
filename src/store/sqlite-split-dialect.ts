import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { wellFormed } from '../core/well-formed-text.js';
import { preparedStatement } from './statement-cache.js';

/** One holder at a time of the writer connection (a transaction, or one write outside any). */
class WriterLock {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

/** Every string parameter well-formed first, as on every SQLite connection (sqlite-well-formed.ts). */
function run(db: Database.Database, query: CompiledQuery): QueryResult<unknown> {
  const stmt = preparedStatement(db, query.sql);
  const params = query.parameters.map((p) => (typeof p === 'string' ? wellFormed(p) : p));
  if (stmt.reader) return { rows: stmt.all(params) };
  const { changes, lastInsertRowid } = stmt.run(params);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * A connection as Kysely sees it: inside a transaction every statement goes to the writer (which the
 * transaction holds); outside one, a SELECT goes to the reader at once and anything else waits for
 * the writer.
 */
class SplitConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    private readonly writer: Database.Database,
    private readonly reader: Database.Database,
    private readonly lock: WriterLock,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return run(this.writer, query) as QueryResult<R>;
    if (SelectQueryNode.is(query.query)) return run(this.reader, query) as QueryResult<R>;
    await this.lock.lock();
    try {
      return run(this.writer, query) as QueryResult<R>;
    } finally {
      this.lock.unlock();
    }
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the service DB driver');
  }
}

/**
 * Kysely's SQLite driver holds its one connection for every query, so a read waits for any transaction
 * in progress: a GET of one account's findings waited for another account's scan to commit. In WAL
 * mode SQLite lets readers go on beside a writer; this driver gives reads (SELECTs outside a
 * transaction) a second, read-only connection to the same file, which sees the last committed state.
 * Transactions and writes keep the one writer connection, one at a time, as before.
 */
class SplitSqliteDriver implements Driver {
  private readonly lock = new WriterLock();

  constructor(
    private readonly writer: Database.Database,
    private readonly reader: Database.Database,
  ) {}

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new SplitConnection(this.writer, this.reader, this.lock));
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.lock.lock();
    try {
      run(this.writer, CompiledQuery.raw('begin'));
    } catch (err) {
      this.lock.unlock();
      throw err;
    }
    (connection as SplitConnection).inTransaction = true;
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.end(connection, 'commit');
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.end(connection, 'rollback');
  }

  async releaseConnection(): Promise<void> {}

  destroy(): Promise<void> {
    this.reader.close();
    this.writer.close();
    return Promise.resolve();
  }

  /**
   * The lock is let go only once the writer is out of its transaction: a COMMIT that failed (busy)
   * leaves it open, and Kysely's ROLLBACK that follows ends it. A transaction SQLite already rolled
   * back (a full disk) needs no ROLLBACK.
   */
  private async end(connection: DatabaseConnection, command: 'commit' | 'rollback'): Promise<void> {
    try {
      if (command === 'commit' || this.writer.inTransaction)
        await Promise.resolve(run(this.writer, CompiledQuery.raw(command)));
    } finally {
      if (!this.writer.inTransaction) {
        (connection as SplitConnection).inTransaction = false;
        this.lock.unlock();
      }
    }
  }
}

/** SQLite's dialect (compiler, adapter, introspection) over the split driver. */
export class SplitSqliteDialect extends SqliteDialect {
  constructor(
    private readonly writer: Database.Database,
    private readonly reader: Database.Database,
  ) {
    super({ database: writer });
  }

  override createDriver(): Driver {
    return new SplitSqliteDriver(this.writer, this.reader);
  }
}
