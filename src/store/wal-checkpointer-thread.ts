import Database from 'better-sqlite3';

let db: Database.Database | undefined;

export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * One PASSIVE checkpoint of the service DB on the checkpointer's own read-write connection (opened on
 * first use, kept for the thread's life). PASSIVE never waits for readers or writers: what it cannot
 * copy now it copies next time. The copying and the fsyncs it implies happen on this thread.
 */
export default function checkpoint(path: string): CheckpointResult {
  if (!db) {
    db = new Database(path, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_autocheckpoint = 0');
  }
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  return row ?? { busy: 0, log: 0, checkpointed: 0 };
}
