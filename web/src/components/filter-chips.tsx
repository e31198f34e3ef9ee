import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { FilterCriteria, StringFilter } from '../api/api-types.js';
import {
  ALL_FIELDS,
  chipsOf,
  FIELD_CHOICES,
  FIELD_LABELS,
  isDateField,
  isNumberField,
  isStringField,
  withFilter,
  withoutChip,
  type AnyField,
} from '../lib/filter-criteria.js';

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

const toIso = (d: string, end: boolean): string | undefined =>
  d ? new Date(`${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z`).toISOString() : undefined;
const toNum = (s: string): number | undefined =>
  s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s);

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
    let next: FilterCriteria | undefined;
    if (isStringField(field) && value) next = withFilter(criteria, field, { comparison, value });
    else if (isNumberField(field)) {
      const lo = toNum(value);
      const hi = toNum(value2);
      if (lo !== undefined || hi !== undefined)
        next = withFilter(criteria, field, {
          ...(lo !== undefined ? { lowerInclusive: lo } : {}),
          ...(hi !== undefined ? { upperInclusive: hi } : {}),
        });
    } else if (isDateField(field)) {
      const lo = toIso(value, false);
      const hi = toIso(value2, true);
      if (lo || hi)
        next = withFilter(criteria, field, {
          ...(lo ? { startInclusive: lo } : {}),
          ...(hi ? { endInclusive: hi } : {}),
        });
    } else if (field === 'resourceTags' && value)
      next = withFilter(criteria, 'resourceTags', {
        comparison: 'EQUALS',
        key: value,
        ...(value2 ? { value: value2 } : {}),
      });
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
            type={isDateField(field) ? 'date' : isNumberField(field) ? 'number' : 'text'}
            step="any"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <label htmlFor={`${id}-value2`}>{field === 'resourceTags' ? 'Value (optional)' : 'To'}</label>
          <input
            id={`${id}-value2`}
            type={isDateField(field) ? 'date' : isNumberField(field) ? 'number' : 'text'}
            step="any"
            value={value2}
            onChange={(e) => setValue2(e.target.value)}
          />
        </>
      )}
      <button type="submit">Add filter</button>
    </form>
  );
}
