import { useQuery } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import type { FilterCriteria, GroupBy } from '../api/api-types.js';
import { aggregationQuery } from '../api/queries.js';
import { QueryView } from '../components/query-state.js';
import { fmtInt } from '../lib/format.js';
import { eq, withFilter } from '../lib/filter-criteria.js';
import { GROUP_BYS } from './findings-search.js';

const LABEL: Record<GroupBy, string> = {
  SEVERITY: 'Severity',
  VULNERABILITY: 'Vulnerability',
  PACKAGE: 'Package',
  RESOURCE: 'Resource',
  REPOSITORY: 'Repository',
  ACCOUNT: 'Account',
};
/** Which filter a group's key becomes when the group is picked. */
const FIELD_OF_KEY: Record<
  string,
  'severity' | 'vulnerabilityId' | 'packageName' | 'resourceId' | 'repositoryName' | 'accountId'
> = {
  severity: 'severity',
  vulnerabilityId: 'vulnerabilityId',
  packageName: 'packageName',
  resourceId: 'resourceId',
  repositoryName: 'repositoryName',
  accountId: 'accountId',
};

function Groups({
  filter,
  groupBy,
  onPick,
}: {
  filter: FilterCriteria;
  groupBy: GroupBy;
  onPick: (c: FilterCriteria) => void;
}): ReactNode {
  const [tokens, setTokens] = useState<string[]>([]);
  const token = tokens[tokens.length - 1];
  const q = useQuery(
    aggregationQuery({ groupBy, filter, maxResults: 20, ...(token ? { nextToken: token } : {}) }),
  );
  return (
    <QueryView query={q} what="groups">
      {(page) => (
        <>
          {page.groups.length === 0 ? (
            <p className="state state-empty">
              No group: nothing matches (aggregations count ACTIVE findings unless a status is filtered).
            </p>
          ) : (
            <table className="compact-table" data-testid="group-table">
              <caption className="visually-hidden">Findings grouped by {LABEL[groupBy]}</caption>
              <thead>
                <tr>
                  <th scope="col">{LABEL[groupBy]}</th>
                  <th scope="col" className="num">
                    Critical
                  </th>
                  <th scope="col" className="num">
                    High
                  </th>
                  <th scope="col" className="num">
                    Medium
                  </th>
                  <th scope="col" className="num">
                    Low
                  </th>
                  <th scope="col" className="num">
                    All
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.groups.map((g) => {
                  const label = Object.values(g.key).join(' / ');
                  const pick = (): void => {
                    let next = filter;
                    for (const [k, v] of Object.entries(g.key)) {
                      const field = FIELD_OF_KEY[k];
                      if (field) next = withFilter(next, field, eq(v));
                    }
                    onPick(next);
                  };
                  return (
                    <tr key={JSON.stringify(g.key)}>
                      <td>
                        <button
                          type="button"
                          className="link-button"
                          onClick={pick}
                          aria-label={`Filter by ${label}`}
                        >
                          {label}
                        </button>
                      </td>
                      <td className="num">{fmtInt(g.severityCounts.critical)}</td>
                      <td className="num">{fmtInt(g.severityCounts.high)}</td>
                      <td className="num">{fmtInt(g.severityCounts.medium)}</td>
                      <td className="num">{fmtInt(g.severityCounts.low)}</td>
                      <td className="num">{fmtInt(g.severityCounts.all)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <nav className="pager" aria-label="Group pages">
            <button type="button" disabled={!tokens.length} onClick={() => setTokens((t) => t.slice(0, -1))}>
              Previous groups
            </button>
            <button
              type="button"
              disabled={!page.nextToken}
              onClick={() => page.nextToken && setTokens((t) => [...t, page.nextToken as string])}
            >
              Next groups
            </button>
          </nav>
        </>
      )}
    </QueryView>
  );
}

/** Group-by (GET /v1/findings/aggregations): counts per group; picking a group adds it as a filter. */
export function GroupByPanel({
  filter,
  groupBy,
  onGroupBy,
  onPick,
}: {
  filter: FilterCriteria;
  groupBy: GroupBy | undefined;
  onGroupBy: (g: GroupBy | undefined) => void;
  onPick: (c: FilterCriteria) => void;
}): ReactNode {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <div className="row">
        <h2 id={`${id}-h`}>Group by</h2>
        <label htmlFor={`${id}-sel`} className="visually-hidden">
          Group findings by
        </label>
        <select
          id={`${id}-sel`}
          value={groupBy ?? ''}
          onChange={(e) => onGroupBy((e.target.value || undefined) as GroupBy | undefined)}
        >
          <option value="">No grouping</option>
          {GROUP_BYS.map((g) => (
            <option key={g} value={g}>
              {LABEL[g]}
            </option>
          ))}
        </select>
      </div>
      {groupBy ? (
        <Groups
          key={`${groupBy}:${JSON.stringify(filter)}`}
          filter={filter}
          groupBy={groupBy}
          onPick={onPick}
        />
      ) : null}
    </section>
  );
}
