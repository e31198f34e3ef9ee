import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { FilterCriteria, SuppressionRule } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { accountsQuery, aggregationQuery } from '../api/queries.js';
import { useSession } from '../app/shell.js';
import { ModalDialog } from '../components/modal-dialog.js';
import { fmtInt } from '../lib/format.js';
import { eq, isEmptyCriteria } from '../lib/filter-criteria.js';

/** A rule's filter: the explorer's filter without status (a rule decides the status itself). */
export function ruleFilterOf(filter: FilterCriteria): FilterCriteria {
  const { findingStatus: _status, accountId: _account, ...rest } = filter;
  return rest;
}

function Preview({ accountId, filter }: { accountId: string; filter: FilterCriteria }): ReactNode {
  const q = useQuery(
    aggregationQuery({
      groupBy: 'ACCOUNT',
      filter: { ...filter, accountId: [eq(accountId)], findingStatus: [eq('ACTIVE')] },
    }),
  );
  if (q.isPending) return <p role="status">Counting the findings it would suppress…</p>;
  if (q.isError)
    return (
      <p role="alert" className="form-error">
        {q.error.message}
      </p>
    );
  const n = q.data.groups[0]?.severityCounts.all ?? 0;
  return (
    <p role="status" aria-live="polite">
      This rule would suppress <strong data-testid="rule-preview-count">{fmtInt(n)}</strong> active finding
      {n === 1 ? '' : 's'} of {accountId} now, and every new one that matches.
    </p>
  );
}

/** "Create a suppression rule from these filters", with a preview count before it is made. */
export function CreateRuleFromFilter({ filter }: { filter: FilterCriteria }): ReactNode {
  const id = useId();
  const { principal } = useSession();
  const queryClient = useQueryClient();
  const accounts = useQuery(accountsQuery);
  const only =
    filter.accountId?.length === 1 && filter.accountId[0]?.comparison === 'EQUALS'
      ? filter.accountId[0].value
      : undefined;
  const [open, setOpen] = useState(false);
  const [accountId, setAccountId] = useState(only ?? principal.accountId);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const ruleFilter = ruleFilterOf(filter);
  const create = useMutation({
    mutationFn: () =>
      apiJson<{ rule: SuppressionRule; findingsChanged: number }>(
        `/v1/accounts/${encodeURIComponent(accountId)}/suppression-rules`,
        { method: 'POST', body: { name, reason, filter: ruleFilter } },
      ),
    onSuccess: async (r) => {
      setDone(`Rule “${r.rule.name}” created: ${fmtInt(r.findingsChanged)} findings suppressed.`);
      setOpen(false);
      await queryClient.invalidateQueries();
    },
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setDone(undefined);
          setOpen(true);
        }}
        disabled={isEmptyCriteria(ruleFilter)}
        title={isEmptyCriteria(ruleFilter) ? 'Add a filter other than status and account first' : undefined}
      >
        Create suppression rule from these filters
      </button>
      {done ? (
        <p role="status" className="success" data-testid="rule-created">
          {done}
        </p>
      ) : null}
      <ModalDialog open={open} onClose={() => setOpen(false)} title="New suppression rule">
        <form onSubmit={submit} className="form-grid">
          <label htmlFor={`${id}-acct`}>Account</label>
          <select id={`${id}-acct`} value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            {(accounts.data ?? [{ id: principal.accountId, name: principal.accountId }]).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea
            id={`${id}-reason`}
            required
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <p className="muted small span-2">
            Filter: <code>{JSON.stringify(ruleFilter)}</code>
          </p>
          <div className="span-2">
            <Preview accountId={accountId} filter={ruleFilter} />
          </div>
          {create.isError ? (
            <p role="alert" className="form-error span-2">
              {create.error.message}
            </p>
          ) : null}
          <div className="span-2 actions">
            <button type="submit" className="primary" disabled={create.isPending}>
              Create rule
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      </ModalDialog>
    </>
  );
}
