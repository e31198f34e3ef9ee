import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import type { Delivery, Webhook } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { Empty, QueryView } from '../components/query-state.js';
import { fmtDateTime, fmtInt } from '../lib/format.js';
import { hooksPath } from './webhooks-page.js';

function Deliveries({ path }: { path: string }): ReactNode {
  const [tokens, setTokens] = useState<string[]>([]);
  const token = tokens[tokens.length - 1];
  const q = useQuery({
    queryKey: ['deliveries', path, token],
    queryFn: () =>
      apiJson<{ deliveries: Delivery[]; nextToken?: string }>(`${path}/deliveries`, {
        query: { maxResults: 50, nextToken: token },
      }),
  });
  return (
    <section className="card" aria-labelledby="dl-h">
      <h2 id="dl-h">Delivery log</h2>
      <QueryView query={q} what="deliveries">
        {(r) =>
          r.deliveries.length === 0 ? (
            <Empty>No delivery yet.</Empty>
          ) : (
            <>
              <div className="table-scroll">
                <table className="data-table" data-testid="deliveries-table">
                  <caption className="visually-hidden">Deliveries of this subscription</caption>
                  <thead>
                    <tr>
                      <th scope="col">Created</th>
                      <th scope="col">Event</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        Attempts
                      </th>
                      <th scope="col">Last answer</th>
                      <th scope="col">Delivered / next try</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.deliveries.map((d) => (
                      <tr key={d.id}>
                        <td data-label="Created">{fmtDateTime(d.createdAt)}</td>
                        <td data-label="Event">{d.eventType ?? '—'}</td>
                        <td data-label="Subject" className="truncate">
                          {d.subject ?? '—'}
                        </td>
                        <td data-label="Status">{d.status}</td>
                        <td data-label="Attempts" className="num">
                          {fmtInt(d.attempts)}
                        </td>
                        <td data-label="Last answer">
                          {d.lastStatusCode ?? ''} {d.lastError ?? ''}
                        </td>
                        <td data-label="Delivered">
                          {d.deliveredAt
                            ? fmtDateTime(d.deliveredAt)
                            : `next ${fmtDateTime(d.nextAttemptAt)}`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label="Delivery pages">
                <button
                  type="button"
                  disabled={!tokens.length}
                  onClick={() => setTokens((t) => t.slice(0, -1))}
                >
                  Newer
                </button>
                <button
                  type="button"
                  disabled={!r.nextToken}
                  onClick={() => r.nextToken && setTokens((t) => [...t, r.nextToken as string])}
                >
                  Older
                </button>
              </nav>
            </>
          )
        }
      </QueryView>
    </section>
  );
}

/** One subscription: its settings, enable/disable, rotate the secret (shown once), delete, deliveries. */
export function WebhookDetailPage(): ReactNode {
  const { accountId, subscriptionId } = useParams({
    from: '/app/accounts/$accountId/webhooks/$subscriptionId',
  });
  const path = `${hooksPath(accountId)}/${encodeURIComponent(subscriptionId)}`;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ['webhook', path], queryFn: () => apiJson<Webhook>(path) });
  const patch = useMutation({
    mutationFn: (body: { enabled?: boolean; rotateSecret?: boolean }) =>
      apiJson<Webhook>(path, { method: 'PATCH', body }),
    onSuccess: (w) => queryClient.setQueryData(['webhook', path], w),
  });
  const remove = useMutation({
    mutationFn: () => apiJson<void>(path, { method: 'DELETE' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['webhooks', accountId] });
      await navigate({ to: '/webhooks', search: { account: accountId } });
    },
  });
  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/webhooks" search={{ account: accountId }}>
          Webhooks
        </Link>{' '}
        /
      </p>
      <QueryView query={q} what="the webhook">
        {(w) => (
          <>
            <h1 className="truncate">{w.url}</h1>
            <section className="card">
              <dl className="facts">
                <dt>Events</dt>
                <dd>{w.eventTypes.length ? w.eventTypes.join(', ') : 'all'}</dd>
                <dt>Enabled</dt>
                <dd>{w.enabled ? 'yes' : 'no'}</dd>
                <dt>Updated</dt>
                <dd>{fmtDateTime(w.updatedAt)}</dd>
              </dl>
              <div className="actions">
                <button type="button" onClick={() => patch.mutate({ enabled: !w.enabled })}>
                  {w.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" onClick={() => patch.mutate({ rotateSecret: true })}>
                  Rotate secret
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => window.confirm('Delete this subscription?') && remove.mutate()}
                >
                  Delete
                </button>
              </div>
              {patch.data?.secret ? (
                <p className="secret-once" role="status">
                  New signing secret, shown once: <code>{patch.data.secret}</code>
                </p>
              ) : null}
              {patch.isError ? (
                <p role="alert" className="form-error">
                  {patch.error.message}
                </p>
              ) : null}
              {remove.isError ? (
                <p role="alert" className="form-error">
                  {remove.error.message}
                </p>
              ) : null}
            </section>
            <Deliveries path={path} />
          </>
        )}
      </QueryView>
    </div>
  );
}
