import { Type } from '@sinclair/typebox';

/** A scan in API answers (src/scan/scan-store.ts: ScanView). */
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
