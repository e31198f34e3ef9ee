import type { FilterCriteria, MapFilter, StringFilter } from '../../findings/filter-criteria.js';

export const FINDINGS_REPORT_FORMATS = ['CSV', 'JSON'] as const;
export type FindingsReportFormat = (typeof FINDINGS_REPORT_FORMATS)[number];

export const SBOM_REPORT_FORMATS = ['CYCLONEDX_1_5', 'SPDX_2_3'] as const;
export type SbomReportFormat = (typeof SBOM_REPORT_FORMATS)[number];

/** Which stored inventories an SBOM export covers; the same string-filter semantics as FilterCriteria. */
export interface ResourceFilter {
  accountId?: StringFilter[];
  resourceId?: StringFilter[];
  resourceType?: StringFilter[];
  resourceTags?: MapFilter[];
}

/**
 * Where the requester asked for the report to be delivered (Inspector's S3 destination). It is
 * recorded and shown with the report's status; vigil writes to no bucket and serves the report itself.
 */
export interface ReportDestination {
  bucketName: string;
  keyPrefix?: string;
  kmsKeyArn: string;
}

/** What `reports.request_json` holds: the request as it will be run (defaults already applied). */
export type ReportRequest =
  | {
      kind: 'findings';
      format: FindingsReportFormat;
      filter: FilterCriteria;
      destination?: ReportDestination;
    }
  | {
      kind: 'sbom';
      format: SbomReportFormat;
      resourceFilter: ResourceFilter;
      destination?: ReportDestination;
    };

/** The failure code of a report cancelled before it finished (its status is FAILED). */
export const REPORT_CANCELLED = 'REPORT_CANCELLED';

/** What `reports.error_json` holds when a report FAILED. */
export interface ReportFailure {
  code: string;
  message: string;
}

/** A finished report's body as the worker stores it in the row. */
export interface ReportContent {
  content: string;
  contentType: string;
}

/**
 * Stored reports live in one text column, so their size is bounded: past this the report FAILS with
 * REPORT_TOO_LARGE instead of exhausting the worker's memory (narrow the filter instead).
 */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;
