import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { insertAuditEntry, updateAuditDetails } from './audit-entry.js';

/** Refusals audited as counts rather than one row each, and the action their row is filed under. */
export const AGGREGATED_REFUSALS: Readonly<Record<number, { action: string; errorCode: string }>> = {
  401: { action: 'AUTH_REFUSED', errorCode: 'UNAUTHENTICATED' },
  429: { action: 'RATE_LIMITED', errorCode: 'RATE_LIMITED' },
};
/** Distinct actions kept per row (what was tried), so one row cannot grow without bound. */
const MAX_ACTIONS = 10;
/** Rows tracked per minute; past this, further sources share one row per account: "(many)". */
const MAX_ROWS = 10_000;

interface Aggregate {
  seq: Promise<number>;
  count: number;
  lastAt: string;
  actions: string[];
  errorCode: string;
  /** A write of the latest count is waiting: later refusals only bump the count it will write. */
  queued: boolean;
  writes: Promise<void>;
}

export interface Refusal {
  at: Date;
  /** The client address. */
  source: string;
  /** The account the path named, if any (whose admins should see someone knocking). */
  accountId: string | null;
  /** The key, when one authenticated (a key over its rate limit). */
  keyId: string | null;
  /** 401 or 429: a status of AGGREGATED_REFUSALS. */
  status: number;
  /** `METHOD /route/{pattern}` of the refused call. */
  action: string;
}

/**
 * Refused authentications (401) and rate-limit refusals (429) in the audit log as ONE row per source,
 * account, key, status and minute with a count, instead of a row per call: 2,000 unauthenticated
 * POSTs in 1.6 s made 2,000 rows in the named account's log. The first refusal inserts the row; later
 * ones update its count (writes to a row are chained, so the stored count only grows). Kept per
 * process: N servers write at most N rows for one source and minute.
 */
export class RefusalAudit {
  #minute = '';
  readonly #rows = new Map<string, Aggregate>();

  constructor(private readonly db: Kysely<ServiceDatabase>) {}

  static aggregates(status: number): boolean {
    return AGGREGATED_REFUSALS[status] !== undefined;
  }

  /** Records one refusal; resolves when its row (or the row's new count) is written. */
  record(r: Refusal): Promise<void> {
    const at = r.at.toISOString();
    const minute = at.slice(0, 16);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#rows.clear();
    }
    let key = keyOf(r);
    if (this.#rows.size >= MAX_ROWS && !this.#rows.has(key)) {
      r = { ...r, source: '(many)' };
      key = keyOf(r);
    }
    const agg = this.#rows.get(key);
    if (!agg) {
      const fresh = this.#insert(r, at);
      this.#rows.set(key, fresh);
      return fresh.writes;
    }
    agg.count++;
    agg.lastAt = at;
    if (agg.actions.length < MAX_ACTIONS && !agg.actions.includes(r.action)) agg.actions.push(r.action);
    if (agg.queued) return agg.writes;
    agg.queued = true;
    agg.writes = agg.writes.then(async () => {
      agg.queued = false;
      await updateAuditDetails(this.db, await agg.seq, detailsOf(agg));
    });
    return agg.writes;
  }

  #insert(r: Refusal, at: string): Aggregate {
    const kind = AGGREGATED_REFUSALS[r.status] ?? { action: 'REFUSED', errorCode: String(r.status) };
    const agg: Aggregate = {
      count: 1,
      lastAt: at,
      actions: [r.action],
      errorCode: kind.errorCode,
      queued: false,
      seq: Promise.resolve(0),
      writes: Promise.resolve(),
    };
    agg.seq = insertAuditEntry(this.db, {
      at,
      keyId: r.keyId,
      accountId: r.accountId,
      action: kind.action,
      target: { source: r.source },
      result: String(r.status),
      details: detailsOf(agg),
    });
    agg.writes = agg.seq.then(() => undefined);
    return agg;
  }
}

function keyOf(r: Refusal): string {
  return [r.status, r.source, r.accountId ?? '', r.keyId ?? ''].join('\0');
}

function detailsOf(a: Aggregate): Record<string, unknown> {
  return { errorCode: a.errorCode, count: a.count, lastAt: a.lastAt, actions: [...a.actions] };
}
