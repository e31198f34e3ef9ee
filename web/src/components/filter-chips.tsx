import { useId, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import type { FilterCriteria, StringFilter } from '../api/api-types.js';
import {
  ALL_FIELDS,
  chipsOf,
  FIELD_CHOICES,
  FIELD_LABELS,
  isDateField,
  isNumberField,
  isStringField,
  PORT_MAX,
  PORT_MIN,
  withoutChip,
  type AnyField,
} from '../lib/filter-criteria.js';
import { withInput } from '../lib/filter-input.js';

/** The filter as chips (each removable) and a small form that adds one of any FilterCriteria field. */
export function FilterChips({
  criteria,
  onChange,
}: {
  criteria: FilterCriteria;
  onChange: (next: FilterCriteria) => void;
}): ReactNode {
  const chips = chipsOf(criteria);
  return (
    <div className="filters">
      <ul className="chips" aria-label="Active filters">
        {chips.length === 0 ? <li className="muted">No filter: every finding you may see.</li> : null}
        {chips.map((c) => (
          <li key={`${c.field}-${c.index}`} className="chip" data-testid="filter-chip">
            <span>{c.label}</span>
            <button
              type="button"
              aria-label={`Remove filter ${c.label}`}
              onClick={() => onChange(withoutChip(criteria, c))}
            >
              ×
            </button>
          </li>
        ))}
        {chips.length > 1 ? (
          <li>
            <button type="button" className="link-button" onClick={() => onChange({})}>
              Clear all
            </button>
          </li>
        ) : null}
      </ul>
      <AddFilter criteria={criteria} onChange={onChange} />
    </div>
  );
}

/**
 * The input kind of a range bound. A port is a whole number in 0–65535 and the upper bound is not
 * below the lower: the browser's own validation says so before the API would refuse it.
 */
function boundProps(field: AnyField, lower?: string): InputHTMLAttributes<HTMLInputElement> {
  if (isDateField(field)) return { type: 'date' };
  if (isNumberField(field)) return { type: 'number', step: 'any' };
  if (field !== 'portRange') return { type: 'text' };
  const min = lower !== undefined && lower.trim() !== '' ? lower : PORT_MIN;
  return { type: 'number', step: 1, min, max: PORT_MAX, inputMode: 'numeric' };
}

function AddFilter({
  criteria,
  onChange,
}: {
  criteria: FilterCriteria;
  onChange: (c: FilterCriteria) => void;
}): ReactNode {
  const id = useId();
  const [field, setField] = useState<AnyField>('packageName');
  const [comparison, setComparison] = useState<StringFilter['comparison']>('EQUALS');
  const [value, setValue] = useState('');
  const [value2, setValue2] = useState('');
  const choices = isStringField(field) ? FIELD_CHOICES[field] : undefined;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const next = withInput(criteria, { field, comparison, value, value2 });
    if (next) {
      onChange(next);
      setValue('');
      setValue2('');
    }
  };

  return (
    <form className="add-filter" onSubmit={submit} aria-label="Add a filter">
      <label htmlFor={`${id}-field`}>Field</label>
      <select
        id={`${id}-field`}
        value={field}
        onChange={(e) => {
          setField(e.target.value as AnyField);
          setValue('');
          setValue2('');
        }}
      >
        {ALL_FIELDS.map((f) => (
          <option key={f} value={f}>
            {FIELD_LABELS[f]}
          </option>
        ))}
      </select>
      {isStringField(field) ? (
        <>
          <label htmlFor={`${id}-cmp`} className="visually-hidden">
            Comparison
          </label>
          <select
            id={`${id}-cmp`}
            value={comparison}
            onChange={(e) => setComparison(e.target.value as StringFilter['comparison'])}
          >
            <option value="EQUALS">equals</option>
            <option value="PREFIX">starts with</option>
            <option value="NOT_EQUALS">is not</option>
          </select>
          <label htmlFor={`${id}-value`} className="visually-hidden">
            Value
          </label>
          {choices ? (
            <select id={`${id}-value`} value={value} onChange={(e) => setValue(e.target.value)}>
              <option value="">choose…</option>
              {choices.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-value`}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder="value"
            />
          )}
        </>
      ) : (
        <>
          <label htmlFor={`${id}-value`}>{field === 'resourceTags' ? 'Key' : 'From'}</label>
          <input
            id={`${id}-value`}
            {...boundProps(field)}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <label htmlFor={`${id}-value2`}>{field === 'resourceTags' ? 'Value (optional)' : 'To'}</label>
          <input
            id={`${id}-value2`}
            {...boundProps(field, value)}
            value={value2}
            onChange={(e) => setValue2(e.target.value)}
          />
        </>
      )}
      <button type="submit">Add filter</button>
    </form>
  );
}
