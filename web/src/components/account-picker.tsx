import { useQuery } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { accountsQuery } from '../api/queries.js';

/** Which of the visible accounts a per-account page shows (only shown when the key sees several). */
export function AccountPicker({
  value,
  onChange,
}: {
  value: string;
  onChange: (id: string) => void;
}): ReactNode {
  const id = useId();
  const q = useQuery(accountsQuery);
  if (!q.data || q.data.length < 2) return null;
  return (
    <div className="account-picker">
      <label htmlFor={id}>Account</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {q.data.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name === a.id ? a.id : `${a.name} (${a.id})`}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Tags as text: keys and values are data anyone with a member key can write, never markup. */
export function TagList({ tags }: { tags: Record<string, string> }): ReactNode {
  const entries = Object.entries(tags);
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <ul className="tag-list">
      {entries.map(([k, v]) => (
        <li key={k} className="tag">
          {k}={v}
        </li>
      ))}
    </ul>
  );
}
