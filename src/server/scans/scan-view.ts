import { Type } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import type { ScanTable } from '../storage/service-db-schema.js';

export const ScanSchema = Type.Object({
  scanId: Type.String(),
  accountId: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  request: Type.Record(Type.String(), Type.Unknown()),
  summary: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

/** A scan as the API shows it: the request, and the summary or the error once it finished. */
export function scanView(r: Selectable<ScanTable>): Record<string, unknown> {
  return {
    scanId: r.id,
    accountId: r.account_id,
    kind: r.kind,
    status: r.status,
    resourceId: r.resource_id,
    request: parse<Record<string, unknown>>(r.request_json) ?? {},
    summary: parse<Record<string, unknown>>(r.summary_json),
    error: parse<{ code: string; message: string }>(r.error_json),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
