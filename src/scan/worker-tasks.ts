import type { Kysely } from 'kysely';
import type { Inventory } from '../core/inventory.js';
import { isVigilError, VigilError } from '../core/errors/vigil-error.js';
import type { FindingResource } from '../findings/finding-types.js';
import type { MatchNote } from '../match/match-types.js';
import { buildReport } from '../reports/exports/report-runner.js';
import type { ReportHeader } from '../reports/exports/report-store.js';
import type { ReportContent } from '../reports/exports/report-types.js';
import { hostDetails } from '../resources/resource-details.js';
import { inventoryOfBody } from '../resources/submitted-inventory.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { scanTarget } from './scan-service.js';
import { prepareInventoryIndex, type PreparedIndex } from '../resources/inventory-index.js';
import { readSubmittedBody } from './submission-body.js';
import { scanCheckinInventory } from './checkin-scan.js';
import type { InventoryDelta, KnownInventory } from '../resources/inventory-delta.js';

/** THE scan service over an inventory the caller already has (an image's, read by the scan worker). */
export interface InventoryScanTask {
  kind: 'scan-inventory';
  inventory: Inventory;
  accountId: string;
  /** ISO time: a Date does not cross threads as one. */
  now: string;
  resource: FindingResource;
}

/** A host's submitted body as received (JSON bytes): parsed, checked against `schema`, then scanned. */
export interface SubmissionTask {
  kind: 'scan-submission';
  body: Uint8Array;
  /** The route's JSON schema for the body; none: the body is an inventory read so before (queued). */
  schema?: object;
  accountId: string;
  resourceId: string;
  now: string;
}

/** A submitted body read as `scan-submission` reads it, unmatched (queue mode stores what it gives). */
export interface ReadSubmissionTask {
  kind: 'read-submission';
  body: Uint8Array;
  schema: object;
  now: string;
}

/**
 * An agent's full inventory (already checked by the route): matched by THE scan service against the
 * thread's memo of DB reads (vuln-read-memo.ts), with what the event loop needs to store it.
 */
export interface CheckinScanTask {
  kind: 'scan-checkin';
  inventory: Inventory;
  accountId: string;
  now: string;
  resource: FindingResource;
  /** The index of the inventory the server holds: only what changed since is matched (checkin-scan.ts). */
  known?: KnownInventory;
}

/** One queued report's content (findings CSV/JSON, SBOM export) read from the service DB. */
export interface ReportTask {
  kind: 'report';
  job: ReportHeader;
}

export type WorkerTask =
  InventoryScanTask | SubmissionTask | ReadSubmissionTask | CheckinScanTask | ReportTask;

/** Findings travel as JSON text: one string copy across threads, parsed once by the applying side. */
export interface ScannedFindings {
  findingsJson: string;
  matchCount: number;
  /** What the matching noted (an OS release the vulnerability data has nothing for). */
  notes?: MatchNote[];
}

export interface SubmissionResult extends ScannedFindings {
  inventoryJson: string;
  /** The re-match index, computed here so the event loop only writes it. */
  index: PreparedIndex;
  packages: number;
  details: Record<string, unknown>;
}

/** A check-in's scan: its findings and notes, and the inventory as it is stored, with its index. */
export interface CheckinScanResult extends ScannedFindings {
  notes: MatchNote[];
  inventoryJson: string;
  index: PreparedIndex;
  packages: number;
  /** Set when only the changed components were matched (findings: those of `delta.scope`). */
  delta?: InventoryDelta;
}

interface Results {
  'scan-inventory': ScannedFindings;
  'scan-submission': SubmissionResult;
  'read-submission': { inventoryJson: string };
  'scan-checkin': CheckinScanResult;
  report: ReportContent;
}
export type ResultOf<T extends WorkerTask> = Results[T['kind']];

/** What a task reads: opened lazily (a thread that only builds reports never opens the vuln DB). */
export interface TaskHandles {
  vulns(): VulnStore;
  /** The DB for check-ins: with a memo of reads kept across tasks until the DB changes (a thread's). */
  memoVulns(): VulnStore;
  service(): Kysely<ServiceDatabase>;
}

/** An error as it crosses threads: structured cloning keeps an Error's message but not its code. */
export type TaskOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; details: Record<string, unknown> } }
  | { ok: false; internal: { message: string; stack?: string } };

/** Runs one task, on whatever thread calls it; never throws (see TaskOutcome). */
export async function runTask(task: WorkerTask, h: TaskHandles): Promise<TaskOutcome> {
  try {
    return { ok: true, value: await perform(task, h) };
  } catch (err) {
    if (isVigilError(err))
      return { ok: false, error: { code: err.code, message: err.message, details: { ...err.details } } };
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, internal: e.stack ? { message: e.message, stack: e.stack } : { message: e.message } };
  }
}

/** The caller's side: the task's value, or its error again with its code (or as an internal error). */
export function outcomeValue<T extends WorkerTask>(outcome: TaskOutcome): ResultOf<T> {
  if (outcome.ok) return outcome.value as ResultOf<T>;
  if ('error' in outcome)
    throw new VigilError(outcome.error.code, outcome.error.message, outcome.error.details);
  const err = new Error(`worker task failed: ${outcome.internal.message}`);
  if (outcome.internal.stack) err.stack = outcome.internal.stack;
  throw err;
}

async function perform(task: WorkerTask, h: TaskHandles): Promise<unknown> {
  switch (task.kind) {
    case 'scan-inventory':
      return scanInventory(task.inventory, task, h);
    case 'scan-submission': {
      const now = new Date(task.now);
      const inventory = task.schema
        ? inventoryOfBody(readSubmittedBody(task.body, task.schema), now)
        : (JSON.parse(Buffer.from(task.body).toString('utf8')) as Inventory);
      const details = hostDetails(inventory, now);
      const resource: FindingResource = { id: task.resourceId, type: 'HOST', details };
      const scanned = await scanInventory(inventory, { ...task, resource }, h);
      const result: SubmissionResult = {
        ...scanned,
        inventoryJson: JSON.stringify(inventory),
        index: prepareInventoryIndex(inventory),
        packages: inventory.packages.length,
        details,
      };
      return result;
    }
    case 'read-submission': {
      const inventory = inventoryOfBody(readSubmittedBody(task.body, task.schema), new Date(task.now));
      return { inventoryJson: JSON.stringify(inventory) };
    }
    case 'scan-checkin':
      return scanCheckin(task, h);
    case 'report':
      return buildReport(h.service(), task.job);
  }
}

async function scanCheckin(task: CheckinScanTask, h: TaskHandles): Promise<CheckinScanResult> {
  const { inventory, resource } = task;
  const s = { store: h.memoVulns(), accountId: task.accountId, now: new Date(task.now), resource };
  const { findings, ...rest } = await scanCheckinInventory(inventory, task.known, s);
  return { findingsJson: JSON.stringify(findings), ...rest };
}

async function scanInventory(
  inventory: Inventory,
  t: { accountId: string; now: string; resource: FindingResource },
  h: TaskHandles,
): Promise<ScannedFindings> {
  const result = await scanTarget(
    { kind: 'inventory', inventory },
    { store: h.vulns(), accountId: t.accountId, now: new Date(t.now), resource: () => t.resource },
  );
  return {
    findingsJson: JSON.stringify(result.findings),
    matchCount: result.matchCount,
    notes: result.notes,
  };
}
