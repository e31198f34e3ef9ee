import pg from 'pg';

/**
 * The key of the scheduler's PostgreSQL advisory lock: one 64-bit number every vigil process agrees
 * on ("vigil" "sched" in ASCII), so no two schedulers on one database act at once.
 */
export const SCHEDULER_LOCK_KEY = 0x766967696c736368n;

/** A session advisory lock this process holds, on a connection of its own. */
export interface HeldLock {
  /** Settles when the connection (and with it the lock) is gone: an error, the server going away. */
  readonly lost: Promise<void>;
  /** Asks the server over the lock's connection (a dead connection shows only when used); throws if gone. */
  check(timeoutMs: number): Promise<void>;
  /** Unlocks and closes the connection. */
  release(): Promise<void>;
}

export interface LockRequest {
  /** The service DB's postgres:// URL. */
  url: string;
  /** A signed 64-bit key. */
  key: bigint;
  /** Shown in pg_stat_activity, so an operator sees which process holds the lock. */
  applicationName: string;
  connectTimeoutMs: number;
}

/**
 * Tries once to take a session advisory lock (`pg_try_advisory_lock`) on a new dedicated connection.
 * The lock lives exactly as long as that connection: PostgreSQL releases it when the session ends, so a
 * process killed with -9 gives it up as soon as the server sees the socket close. Undefined when
 * another session holds it; throws when the database cannot be reached.
 */
export async function tryAdvisoryLock(req: LockRequest): Promise<HeldLock | undefined> {
  const client = new pg.Client({
    connectionString: req.url,
    application_name: req.applicationName,
    connectionTimeoutMillis: req.connectTimeoutMs,
    keepAlive: true,
  });
  let markLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  // Without a listener, a connection error after connect would crash the process.
  client.on('error', () => markLost());
  client.on('end', () => markLost());
  try {
    await client.connect();
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
      req.key.toString(),
    ]);
    if (r.rows[0]?.ok !== true) {
      await client.end();
      return undefined;
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    lost,
    async check(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('advisory lock connection timed out')), timeoutMs);
      });
      try {
        await Promise.race([
          client.query('SELECT 1'),
          timeout,
          lost.then(() => Promise.reject(new Error('lost'))),
        ]);
      } catch (err) {
        markLost();
        // A connection that stopped answering may still hold the lock server-side: drop it for sure.
        await client.end().catch(() => undefined);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
    async release() {
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [req.key.toString()]);
      } catch {
        // The session is gone already, and the lock with it.
      }
      await client.end().catch(() => undefined);
      markLost();
    },
  };
}
