import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendEvents } from '../../events/event-outbox.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { VexDocumentTable } from '../../store/vex-schema.js';
import { lockAccountSuppression } from '../suppression/account-lock.js';
import { reevaluateSuppression } from '../suppression/suppression-reevaluator.js';
import type { VexDocumentContent, VexFormat } from './vex-types.js';

/** A stored VEX document as the API shows it (its statements in the normalized form). */
export interface VexDocument {
  id: string;
  accountId: string;
  format: VexFormat;
  specVersion: string;
  vexId?: string;
  author?: string;
  timestamp?: string;
  statementCount: number;
  sha256: string;
  createdBy?: string;
  createdAt: string;
}

export interface VexDocumentWithStatements extends VexDocument {
  statements: VexDocumentContent['statements'];
}

/** What an upload or a delete did to the account's open findings. */
export interface VexChange {
  document: VexDocument;
  findingsChanged: number;
}

type Db = Kysely<ServiceDatabase>;
type Trx = Transaction<ServiceDatabase>;

function documentOfRow(r: Selectable<VexDocumentTable>): VexDocument {
  return {
    id: r.id,
    accountId: r.account_id,
    format: r.format as VexFormat,
    specVersion: r.spec_version,
    ...(r.vex_id !== null ? { vexId: r.vex_id } : {}),
    ...(r.author !== null ? { author: r.author } : {}),
    ...(r.issued_at !== null ? { timestamp: r.issued_at } : {}),
    statementCount: Number(r.statement_count),
    sha256: r.sha256,
    ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
    createdAt: r.created_at,
  };
}

export async function listVexDocuments(db: Db, accountId: string): Promise<VexDocument[]> {
  const rows = await db
    .selectFrom('vex_documents')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(documentOfRow);
}

export async function getVexDocument(
  db: Db | Trx,
  accountId: string,
  id: string,
): Promise<VexDocumentWithStatements | undefined> {
  const row = await db
    .selectFrom('vex_documents')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const content = JSON.parse(row.content_json) as VexDocumentContent;
  return { ...documentOfRow(row), statements: content.statements };
}

/**
 * Stores a parsed document and, in the same transaction, puts every open finding of the account in
 * the state its rules and VEX statements now give it (with a `vigil.finding.updated` event for each
 * that changed), as a suppression rule change does.
 */
export async function createVexDocument(
  db: Db,
  opts: { accountId: string; content: VexDocumentContent; bytes: Uint8Array; keyId: string; now: Date },
): Promise<VexChange> {
  const iso = opts.now.toISOString();
  const c = opts.content;
  const row: VexDocumentTable = {
    id: randomUUID(),
    account_id: opts.accountId,
    format: c.format,
    spec_version: c.specVersion,
    vex_id: c.vexId ?? null,
    author: c.author ?? null,
    issued_at: c.timestamp ?? null,
    statement_count: c.statements.length,
    content_json: JSON.stringify(c),
    sha256: createHash('sha256').update(opts.bytes).digest('hex'),
    created_by: opts.keyId,
    created_at: iso,
  };
  return db.transaction().execute(async (trx) => {
    await lockAccountSuppression(trx, opts.accountId);
    await trx.insertInto('vex_documents').values(row).execute();
    return afterChange(trx, documentOfRow(row), 'vigil.vex-document.created', opts.now);
  });
}

/** Deletes a document; the findings only it suppressed return to ACTIVE, with their events. */
export async function deleteVexDocument(
  db: Db,
  opts: { accountId: string; id: string; now: Date },
): Promise<VexChange | undefined> {
  return db.transaction().execute(async (trx) => {
    await lockAccountSuppression(trx, opts.accountId);
    const old = await getVexDocument(trx, opts.accountId, opts.id);
    if (!old) return undefined;
    await trx
      .deleteFrom('vex_documents')
      .where('account_id', '=', opts.accountId)
      .where('id', '=', opts.id)
      .execute();
    const { statements: _statements, ...document } = old;
    return afterChange(trx, document, 'vigil.vex-document.deleted', opts.now);
  });
}

async function afterChange(
  trx: Trx,
  document: VexDocument,
  type: 'vigil.vex-document.created' | 'vigil.vex-document.deleted',
  now: Date,
): Promise<VexChange> {
  await appendEvents(
    trx,
    [{ type, accountId: document.accountId, subject: document.id, data: document }],
    now.toISOString(),
  );
  const changed = await reevaluateSuppression(trx, document.accountId, now);
  return { document, findingsChanged: changed.length };
}
