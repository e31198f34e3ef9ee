import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { wellFormed } from '../core/well-formed-text.js';

/**
 * better-sqlite3 for Kysely, with every string parameter made well-formed first. better-sqlite3 writes
 * a lone surrogate as its 3-byte WTF-8 form, which is not UTF-8: it sorts between U+D7FF and U+E000
 * (so a byte-range PREFIX would take it in) and reads back as three U+FFFD. pg writes U+FFFD; with
 * this, both backends store and compare the same text.
 */
export function wellFormedSqlite(db: Database.Database): SqliteDatabase {
  const params = (ps: ReadonlyArray<unknown>): unknown[] =>
    ps.map((p) => (typeof p === 'string' ? wellFormed(p) : p));
  return {
    close: () => {
      db.close();
    },
    prepare: (text: string): SqliteStatement => {
      const st = db.prepare(text);
      return {
        reader: st.reader,
        all: (ps) => st.all(params(ps)),
        run: (ps) => st.run(params(ps)),
        iterate: (ps) => st.iterate(params(ps)),
      };
    },
  };
}
