import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Webhook } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { useSession } from '../app/shell.js';
import { AccountPicker } from '../components/account-picker.js';
import { Empty, QueryView } from '../components/query-state.js';
import { fmtDateTime } from '../lib/format.js';

export const EVENT_TYPES = [
  'vigil.finding.created',
  'vigil.finding.updated',
  'vigil.finding.closed',
  'vigil.scan.completed',
  'vigil.coverage.changed',
  'vigil.suppression-rule.created',
  'vigil.suppression-rule.updated',
  'vigil.suppression-rule.deleted',
] as const;

export const hooksPath = (a: string) => `/v1/accounts/${encodeURIComponent(a)}/webhooks`;

function CreateWebhook({ accountId }: { accountId: string }): ReactNode {
  const id = useId();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      apiJson<Webhook>(hooksPath(accountId), {
        method: 'POST',
        body: { url, ...(types.length ? { eventTypes: types } : {}) },
      }),
    onSuccess: async () => {
      setUrl('');
      await queryClient.invalidateQueries({ queryKey: ['webhooks', accountId] });
    },
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="span-2">
        New subscription
      </h2>
      <label htmlFor={`${id}-url`}>URL</label>
      <input
        id={`${id}-url`}
        type="url"
        required
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        placeholder="https://hooks.example/vigil"
      />
      <fieldset className="span-2">
        <legend>Event types (none checked: all)</legend>
        {EVENT_TYPES.map((t) => (
          <label key={t} className="check">
            <input
              type="checkbox"
              checked={types.includes(t)}
              onChange={(e) =>
                setTypes((cur) => (e.target.checked ? [...cur, t] : cur.filter((x) => x !== t)))
              }
            />
            {t}
          </label>
        ))}
      </fieldset>
      <div className="span-2 actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create
        </button>
      </div>
      {create.isError ? (
        <p role="alert" className="form-error span-2">
          {create.error.message}
        </p>
      ) : null}
      {create.data?.secret ? (
        <div className="span-2 secret-once" role="status">
          Signing secret, shown once: <code data-testid="webhook-secret">{create.data.secret}</code>
        </div>
      ) : null}
    </form>
  );
}

/** Webhook subscriptions of an account (admin keys only; the server refuses others anyway). */
export function WebhooksPage(): ReactNode {
  const search = useSearch({ from: '/app/webhooks' });
  const navigate = useNavigate({ from: '/webhooks' });
  const { principal } = useSession();
  const accountId = search.account ?? principal.accountId;
  const q = useQuery({
    queryKey: ['webhooks', accountId],
    queryFn: () => apiJson<{ webhooks: Webhook[] }>(hooksPath(accountId)).then((r) => r.webhooks),
  });
  return (
    <div className="page">
      <h1>Webhooks</h1>
      <div className="toolbar card">
        <AccountPicker value={accountId} onChange={(a) => void navigate({ search: { account: a } })} />
      </div>
      <section className="card" aria-label="Subscriptions">
        <QueryView query={q} what="webhooks">
          {(hooks) =>
            hooks.length === 0 ? (
              <Empty>No webhook subscription in {accountId}.</Empty>
            ) : (
              <div className="table-scroll">
                <table className="data-table">
                  <caption className="visually-hidden">Webhook subscriptions of {accountId}</caption>
                  <thead>
                    <tr>
                      <th scope="col">URL</th>
                      <th scope="col">Events</th>
                      <th scope="col">Enabled</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {hooks.map((h) => (
                      <tr key={h.id}>
                        <td data-label="URL" className="truncate">
                          <Link
                            to="/accounts/$accountId/webhooks/$subscriptionId"
                            params={{ accountId, subscriptionId: h.id }}
                          >
                            {h.url}
                          </Link>
                        </td>
                        <td data-label="Events">{h.eventTypes.length ? h.eventTypes.join(', ') : 'all'}</td>
                        <td data-label="Enabled">{h.enabled ? 'yes' : 'no'}</td>
                        <td data-label="Created">{fmtDateTime(h.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </section>
      <CreateWebhook accountId={accountId} />
    </div>
  );
}
