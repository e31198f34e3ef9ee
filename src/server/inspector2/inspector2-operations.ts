import { batchGetAccountStatusOperation, disableOperation, enableOperation } from './account-operations.js';
import { getConfigurationOperation, updateConfigurationOperation } from './account-operations.js';
import { listFindingAggregationsOperation } from './aggregation-operations.js';
import { listCoverageOperation, listCoverageStatisticsOperation } from './coverage-operations.js';
import {
  createFilterOperation,
  deleteFilterOperation,
  listFiltersOperation,
  updateFilterOperation,
} from './filter-operations.js';
import { batchGetFindingDetailsOperation, listFindingsOperation } from './findings-operations.js';
import type { Operation } from './inspector2-operation.js';
import {
  associateMemberOperation,
  getDelegatedAdminAccountOperation,
  getMemberOperation,
  listMembersOperation,
} from './organization-operations.js';
import {
  cancelFindingsReportOperation,
  createFindingsReportOperation,
  createSbomExportOperation,
  getFindingsReportStatusOperation,
  getSbomExportOperation,
} from './report-operations.js';
import {
  listTagsForResourceOperation,
  tagResourceOperation,
  untagResourceOperation,
} from './tag-operations.js';

/**
 * THE list of the inspector2 operations vigil serves, by their model names. Every other operation of
 * the model is routed too and answers a ValidationException naming it.
 */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  ListFindings: listFindingsOperation,
  BatchGetFindingDetails: batchGetFindingDetailsOperation,
  ListFindingAggregations: listFindingAggregationsOperation,
  ListCoverage: listCoverageOperation,
  ListCoverageStatistics: listCoverageStatisticsOperation,
  CreateFilter: createFilterOperation,
  UpdateFilter: updateFilterOperation,
  DeleteFilter: deleteFilterOperation,
  ListFilters: listFiltersOperation,
  CreateFindingsReport: createFindingsReportOperation,
  GetFindingsReportStatus: getFindingsReportStatusOperation,
  CancelFindingsReport: cancelFindingsReportOperation,
  CreateSbomExport: createSbomExportOperation,
  GetSbomExport: getSbomExportOperation,
  BatchGetAccountStatus: batchGetAccountStatusOperation,
  Enable: enableOperation,
  Disable: disableOperation,
  GetConfiguration: getConfigurationOperation,
  UpdateConfiguration: updateConfigurationOperation,
  ListMembers: listMembersOperation,
  GetMember: getMemberOperation,
  AssociateMember: associateMemberOperation,
  GetDelegatedAdminAccount: getDelegatedAdminAccountOperation,
  ListTagsForResource: listTagsForResourceOperation,
  TagResource: tagResourceOperation,
  UntagResource: untagResourceOperation,
};
