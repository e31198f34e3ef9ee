import { queryOptions } from '@tanstack/react-query';
import type {
  Account,
  AggregationPage,
  CoverageStatistics,
  FilterCriteria,
  Finding,
  FindingPage,
  GroupBy,
  ReportStatus,
  Resource,
  TrendPoint,
} from './api-types.js';
import { apiJson } from './http-client.js';

const filterParam = (f: FilterCriteria | undefined): string | undefined =>
  f && Object.keys(f).length ? JSON.stringify(f) : undefined;

export const accountsQuery = queryOptions({
  queryKey: ['accounts'],
  queryFn: () => apiJson<{ accounts: Account[] }>('/v1/accounts').then((r) => r.accounts),
});

export interface AggregationArgs {
  groupBy: GroupBy;
  filter?: FilterCriteria;
  sortBy?: 'ALL' | 'CRITICAL' | 'HIGH';
  maxResults?: number;
  nextToken?: string;
}
export const aggregationQuery = (a: AggregationArgs) =>
  queryOptions({
    queryKey: ['aggregations', a],
    queryFn: () =>
      apiJson<AggregationPage>('/v1/findings/aggregations', {
        query: {
          groupBy: a.groupBy,
          filter: filterParam(a.filter),
          sortBy: a.sortBy,
          maxResults: a.maxResults,
          nextToken: a.nextToken,
        },
      }),
  });

export interface FindingsArgs {
  filter: FilterCriteria;
  sortBy?: string;
  sortOrder?: 'ASC' | 'DESC';
  maxResults: number;
  nextToken?: string;
}
export const findingsQuery = (a: FindingsArgs) =>
  queryOptions({
    queryKey: ['findings', a],
    queryFn: () =>
      apiJson<FindingPage>('/v1/findings', {
        query: {
          filter: filterParam(a.filter),
          sortBy: a.sortBy,
          sortOrder: a.sortOrder,
          maxResults: a.maxResults,
          nextToken: a.nextToken,
        },
      }),
  });

export const findingQuery = (id: string) =>
  queryOptions({
    queryKey: ['finding', id],
    queryFn: () => apiJson<Finding>(`/v1/findings/${encodeURIComponent(id)}`),
  });

export const resourcesQuery = (accountId: string, type?: string) =>
  queryOptions({
    queryKey: ['resources', accountId, type ?? ''],
    queryFn: () =>
      apiJson<{ resources: Resource[] }>(`/v1/accounts/${encodeURIComponent(accountId)}/resources`, {
        query: { type },
      }).then((r) => r.resources),
  });

export const reportQuery = (id: string) =>
  queryOptions({
    queryKey: ['report', id],
    queryFn: () => apiJson<ReportStatus>(`/v1/reports/${encodeURIComponent(id)}`),
    // Poll until the report is final: the status is shown until it is ready.
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'SUCCEEDED' || s === 'FAILED' ? false : 700;
    },
  });

/** Issue 12's coverage statistics; answers 404 on a server without coverage (shown as such). */
export const coverageStatsQuery = (groupBy: string, filter?: Record<string, unknown>) =>
  queryOptions({
    queryKey: ['coverage-stats', groupBy, filter ?? {}],
    queryFn: () =>
      apiJson<CoverageStatistics>('/v1/coverage/statistics', {
        query: { groupBy, filter: filter ? JSON.stringify(filter) : undefined },
      }),
    retry: false,
  });

export const trendQuery = (days: number) =>
  queryOptions({
    queryKey: ['trend', days],
    queryFn: () => apiJson<{ days: TrendPoint[] }>('/v1/findings/trend', { query: { days } }),
    retry: false,
  });

export const url = {
  account: (a: string) => `/v1/accounts/${encodeURIComponent(a)}`,
};
