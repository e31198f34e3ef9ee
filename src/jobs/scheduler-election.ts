import { setTimeout as sleep } from 'node:timers/promises';
import { SCHEDULER_LOCK_KEY, tryAdvisoryLock, type HeldLock } from '../store/advisory-lock.js';

/** What the election tells the process: it became the acting scheduler, or it stopped being it. */
export interface ElectionHooks {
  acting(): void;
  standby(): Promise<void>;
}

/**
 * Decides which process runs the scheduler's timer tasks. `start` begins campaigning; `hooks.acting`
 * is called when this process becomes the scheduler and `hooks.standby` when it stops being it (lock
 * lost, or `stop`).
 */
export interface SchedulerElection {
  start(hooks: ElectionHooks): void;
  stop(): Promise<void>;
  isActing(): boolean;
}

/** SQLite: one process owns the file, so it is the scheduler, at once and for good. */
export function soleScheduler(): SchedulerElection {
  let hooks: ElectionHooks | undefined;
  return {
    start(h) {
      hooks = h;
      h.acting();
    },
    async stop() {
      const h = hooks;
      hooks = undefined;
      await h?.standby();
    },
    isActing: () => hooks !== undefined,
  };
}

export interface LockElectionOptions {
  /** The service DB's postgres:// URL; the lock gets a connection of its own. */
  url: string;
  /** How often a standby tries for the lock, and the acting scheduler checks its connection. */
  retryMs: number;
  /** Reports becoming acting or standby (an operator wants to know which process schedules). */
  notice: (line: string) => void;
  /** Shown in pg_stat_activity beside the lock. */
  applicationName?: string;
}

/**
 * PostgreSQL: the scheduler is whoever holds a session advisory lock (store/advisory-lock.ts). A
 * standby tries every `retryMs`; the acting one checks its lock connection as often, and on losing it
 * (the database restarted, the network broke) stops scheduling at once: without the connection it no
 * longer holds the lock, and another process may already have taken it. A scheduler killed outright
 * loses its session and so the lock; a standby takes over within `retryMs` of the server noticing.
 */
export function advisoryLockElection(opts: LockElectionOptions): SchedulerElection {
  const stopping = new AbortController();
  let held: HeldLock | undefined;
  let loop: Promise<void> | undefined;
  let unreachableSaid = false;

  const campaign = async (hooks: ElectionHooks): Promise<void> => {
    while (!stopping.signal.aborted) {
      if (!held) held = await attempt();
      if (held) {
        opts.notice('scheduler: acting (holds the scheduler lock)');
        hooks.acting();
        await keep(held);
        held = undefined;
        await hooks.standby();
        if (!stopping.signal.aborted) opts.notice('scheduler: standby (lost the scheduler lock)');
      }
      await sleep(opts.retryMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  const attempt = async (): Promise<HeldLock | undefined> => {
    try {
      const lock = await tryAdvisoryLock({
        url: opts.url,
        key: SCHEDULER_LOCK_KEY,
        applicationName: opts.applicationName ?? `vigil-scheduler pid ${process.pid}`,
        connectTimeoutMs: opts.retryMs,
      });
      unreachableSaid = false;
      return lock;
    } catch {
      if (!unreachableSaid) opts.notice('scheduler: database unreachable, trying for the lock again');
      unreachableSaid = true;
      return undefined;
    }
  };

  /** Returns when the lock is lost or the election stops (the lock is then released). */
  const keep = async (lock: HeldLock): Promise<void> => {
    while (!stopping.signal.aborted) {
      const lost = await Promise.race([
        lock.lost.then(() => true),
        sleep(opts.retryMs, false, { signal: stopping.signal }).catch(() => false),
      ]);
      if (lost) return;
      if (stopping.signal.aborted) break;
      try {
        await lock.check(opts.retryMs);
      } catch {
        return;
      }
    }
    await lock.release();
  };

  return {
    start(hooks) {
      loop ??= campaign(hooks);
    },
    async stop() {
      stopping.abort();
      await loop;
    },
    isActing: () => held !== undefined,
  };
}
