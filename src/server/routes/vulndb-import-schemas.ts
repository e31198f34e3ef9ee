import { Type } from '@sinclair/typebox';
import { FEEDS } from '../../feeds/feed-registry.js';
import { IdString } from './route-schemas.js';

/** The media types an upload may be sent as; the format itself is recognized from the name and bytes. */
export const UPLOAD_MEDIA_TYPES = [
  'application/octet-stream',
  'application/zip',
  'application/gzip',
  'application/x-ndjson',
  'application/jsonl',
  'application/json',
  'text/plain',
  'text/csv',
] as const;

export const ImportQuery = Type.Object(
  {
    filename: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
        description:
          'The file name `vigil db import` would see: it tells the format (`.zip`, `.jsonl.gz`, `.json`, `.tar.gz`) and the feed an OSV export is stored as (`debian` in the name → `osv-debian`, `ghsa` → `ghsa` …). Default: from the first bytes (a zip, or JSON Lines, gzip or not), feed `osv`.',
      }),
    ),
    feed: Type.Optional(
      Type.Union(
        FEEDS.map((f) => Type.Literal(f.name)),
        { description: 'Read the file as this feed instead of recognizing it (`db import --feed`).' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Stands for the raw body in the OpenAPI document; the route reads it as a stream, unvalidated. */
export const UploadBody = Type.String({
  format: 'binary',
  description:
    'A feed file as `vigil db import` takes it: an OSV zip (osv.dev `all.zip`), OSV JSON Lines (gzip or not), a Debian tracker JSON, Alpine secdb, KEV, EPSS, NVD or CVE 5 file.',
});

/** The one id schema of every path parameter; an id that is not an import-log number is simply not found. */
export const ImportIdParams = Type.Object({ importId: IdString(20) });

export const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });
const Changes = Type.Object({
  new: Count,
  updated: Count,
  withdrawn: Count,
  unchanged: Count,
  invalid: Count,
  invalidReasons: Type.Record(Type.String(), Count),
  keys: Type.Integer({
    minimum: 0,
    description: '(ecosystem, package) keys the changed records name: the stored inventories re-matched',
  }),
  enrichmentChanged: Type.Boolean(),
});
const Run = Type.Object({
  completedAt: Type.String(),
  mode: Type.Union([Type.Literal('keys'), Type.Literal('full')]),
  fullBecause: Type.Optional(Type.String()),
  fromImport: Type.String(),
  toImport: Type.String(),
  resourcesSelected: Count,
  resourcesRematched: Count,
  resourcesChanged: Count,
  findingsCreated: Count,
  findingsUpdated: Count,
  findingsClosed: Count,
});

export const ImportSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('import'), Type.Literal('snapshot')]),
  feeds: Type.Array(Type.String()),
  committedAt: Type.String(),
  changes: Type.Union([Changes, Type.Null()]),
  rematch: Type.Object(
    {
      status: Type.Union([Type.Literal('PENDING'), Type.Literal('IN_PROGRESS'), Type.Literal('COMPLETED')]),
      run: Type.Optional(Run),
    },
    {
      description:
        'The re-match of the stored inventories the import touched: poll GET /v1/vulnerability-db/imports/{importId} until COMPLETED',
    },
  ),
});

export const ImportList = Type.Object({ imports: Type.Array(ImportSchema) });
