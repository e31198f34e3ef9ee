import { getFinding, listFindings } from '../../findings/finding-query.js';
import type { SortField, SortOrder } from '../../findings/finding-sort.js';
import { parseArn } from './inspector2-arns.js';
import { vigilCriteria } from './inspector2-criteria.js';
import { invalidInput } from './inspector2-errors.js';
import { awsFinding, awsFindingDetail } from './inspector2-finding.js';
import type { Operation } from './inspector2-operation.js';

/** Inspector's sort fields → vigil's; the others (ECR push date, network protocol…) are refused. */
const SORT_FIELDS: Readonly<Record<string, SortField>> = {
  AWS_ACCOUNT_ID: 'accountId',
  FINDING_TYPE: 'findingType',
  SEVERITY: 'severity',
  FIRST_OBSERVED_AT: 'firstObservedAt',
  LAST_OBSERVED_AT: 'lastObservedAt',
  FINDING_STATUS: 'findingStatus',
  RESOURCE_TYPE: 'resourceType',
  ECR_IMAGE_REPOSITORY_NAME: 'repositoryName',
  VULNERABILITY_ID: 'vulnerabilityId',
  INSPECTOR_SCORE: 'inspectorScore',
  EPSS_SCORE: 'epssScore',
};
export const SUPPORTED_SORT_FIELDS = Object.keys(SORT_FIELDS);

/** Inspector's default page of findings. */
const DEFAULT_MAX_RESULTS = 50;

interface ListFindingsInput {
  filterCriteria?: Record<string, unknown>;
  sortCriteria?: { field: string; sortOrder: SortOrder };
  maxResults?: number;
  nextToken?: string;
}

/**
 * ListFindings = GET /v1/findings: the same query function over the same visible accounts, with the
 * criteria and sort mapped; vigil's keyset token is the nextToken. Without sortCriteria the order is
 * vigil's default (finding id).
 */
export const listFindingsOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input, region }) => {
    const q = input as ListFindingsInput;
    const sort = q.sortCriteria;
    const sortBy = sort ? SORT_FIELDS[sort.field] : 'id';
    if (!sortBy)
      throw invalidInput(
        `sortCriteria.field ${sort?.field ?? ''} is not supported by vigil; supported: ${SUPPORTED_SORT_FIELDS.join(', ')}`,
        'sortCriteria.field',
      );
    const page = await listFindings(ctx.db, {
      accountIds: principal.visibleAccountIds,
      criteria: vigilCriteria(q.filterCriteria),
      limit: q.maxResults ?? DEFAULT_MAX_RESULTS,
      sortBy,
      sortOrder: sort?.sortOrder ?? 'ASC',
      ...(q.nextToken ? { nextToken: q.nextToken } : {}),
    });
    return {
      findings: page.findings.map((f) => awsFinding(f, region)),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
};

/**
 * BatchGetFindingDetails: per ARN, the finding's KEV data, CWEs, references and EPSS, or an error
 * entry. An ARN of an account the key cannot see is ACCESS_DENIED whether the finding exists or not.
 */
export const batchGetFindingDetailsOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input, region }) => {
    const arns = (input as { findingArns: string[] }).findingArns;
    const findingDetails: unknown[] = [];
    const errors: unknown[] = [];
    for (const arn of arns) {
      const parsed = parseArn(arn);
      const fail = (errorCode: string, errorMessage: string): void => {
        errors.push({ findingArn: arn, errorCode, errorMessage });
      };
      if (parsed?.kind !== 'finding') fail('INVALID_INPUT', 'not a vigil finding ARN');
      else if (!principal.visibleAccountIds.includes(parsed.accountId))
        fail('ACCESS_DENIED', `no access to account ${parsed.accountId}`);
      else {
        const f = await getFinding(ctx.db, [parsed.accountId], parsed.id);
        if (f) findingDetails.push(awsFindingDetail(f, region));
        else fail('FINDING_DETAILS_NOT_FOUND', 'no such finding');
      }
    }
    return { findingDetails, errors };
  },
};
