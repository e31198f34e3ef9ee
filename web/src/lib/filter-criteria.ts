import {
  DATE_FIELDS,
  NUMBER_FIELDS,
  STRING_FIELDS,
  type DateField,
  type FilterCriteria,
  type NumberField,
  type PortRangeFilter,
  type StringField,
  type StringFilter,
} from '../api/api-types.js';

/** Human labels of the FilterCriteria fields, in the order the chip menu lists them. */
export const FIELD_LABELS: Record<AnyField, string> = {
  accountId: 'Account',
  findingType: 'Finding type',
  findingStatus: 'Status',
  severity: 'Severity',
  vulnerabilityId: 'Vulnerability',
  packageName: 'Package',
  resourceId: 'Resource',
  resourceType: 'Resource type',
  repositoryName: 'Repository',
  packageManager: 'Package manager',
  fixAvailable: 'Fix available',
  exploitAvailable: 'Exploit available',
  networkProtocol: 'Protocol',
  inspectorScore: 'Score',
  epssScore: 'EPSS',
  firstObservedAt: 'First seen',
  lastObservedAt: 'Last seen',
  updatedAt: 'Updated',
  resourceTags: 'Resource tag',
  portRange: 'Port range',
};

/** Fields whose values are a closed set: the chip editor offers them as choices. */
export const FIELD_CHOICES: Partial<Record<StringField, readonly string[]>> = {
  findingType: ['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CONFIGURATION'],
  findingStatus: ['ACTIVE', 'SUPPRESSED', 'CLOSED'],
  severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED'],
  resourceType: ['HOST', 'CONTAINER_IMAGE', 'CONTAINER_REPOSITORY'],
  fixAvailable: ['YES', 'NO', 'PARTIAL'],
  exploitAvailable: ['YES', 'NO'],
  // What the network engine writes (src/network/finding-draft.ts).
  networkProtocol: ['TCP', 'UDP'],
};

export type AnyField = StringField | NumberField | DateField | 'resourceTags' | 'portRange';
export const ALL_FIELDS: readonly AnyField[] = [
  ...STRING_FIELDS,
  'portRange',
  ...NUMBER_FIELDS,
  ...DATE_FIELDS,
  'resourceTags',
];
export const PORT_MIN = 0;
export const PORT_MAX = 65535;

export const isStringField = (f: string): f is StringField =>
  (STRING_FIELDS as readonly string[]).includes(f);
export const isNumberField = (f: string): f is NumberField =>
  (NUMBER_FIELDS as readonly string[]).includes(f);
export const isDateField = (f: string): f is DateField => (DATE_FIELDS as readonly string[]).includes(f);

/** One chip: one filter of one field, with where it sits so it can be removed. */
export interface Chip {
  field: AnyField;
  index: number;
  label: string;
}

const OPS: Record<StringFilter['comparison'], string> = {
  EQUALS: '=',
  PREFIX: 'starts with',
  NOT_EQUALS: '≠',
};

function rangeText(lo: string | undefined, hi: string | undefined): string {
  if (lo !== undefined && hi !== undefined) return `${lo} – ${hi}`;
  if (lo !== undefined) return `≥ ${lo}`;
  return `≤ ${hi ?? ''}`;
}

/** "Port 22–443", "Port 22", "Port ≥ 1024": the form Inspector's console uses for a port range. */
function portText(r: PortRangeFilter): string {
  const { beginInclusive: lo, endInclusive: hi } = r;
  if (lo !== undefined && hi !== undefined) return lo === hi ? `Port ${lo}` : `Port ${lo}–${hi}`;
  if (lo !== undefined) return `Port ≥ ${lo}`;
  return hi !== undefined ? `Port ≤ ${hi}` : `Port ${PORT_MIN}–${PORT_MAX}`;
}

function stringText(field: StringField, f: StringFilter): string {
  // "Protocol TCP" reads better than "Protocol = TCP"; the other comparisons keep their sign.
  if (field === 'networkProtocol' && f.comparison === 'EQUALS') return `Protocol ${f.value}`;
  return `${FIELD_LABELS[field]} ${OPS[f.comparison]} ${f.value}`;
}

export function chipsOf(c: FilterCriteria): Chip[] {
  const chips: Chip[] = [];
  for (const field of STRING_FIELDS)
    c[field]?.forEach((f, index) => chips.push({ field, index, label: stringText(field, f) }));
  c.portRange?.forEach((r, index) => chips.push({ field: 'portRange', index, label: portText(r) }));
  for (const field of NUMBER_FIELDS)
    c[field]?.forEach((f, index) =>
      chips.push({
        field,
        index,
        label: `${FIELD_LABELS[field]} ${rangeText(f.lowerInclusive?.toString(), f.upperInclusive?.toString())}`,
      }),
    );
  for (const field of DATE_FIELDS)
    c[field]?.forEach((f, index) =>
      chips.push({
        field,
        index,
        label: `${FIELD_LABELS[field]} ${rangeText(f.startInclusive?.slice(0, 10), f.endInclusive?.slice(0, 10))}`,
      }),
    );
  c.resourceTags?.forEach((f, index) =>
    chips.push({
      field: 'resourceTags',
      index,
      label: `Tag ${f.key}${f.value !== undefined ? ` = ${f.value}` : ''}`,
    }),
  );
  return chips;
}

/** The criteria without one chip; a field left with no filter is dropped, so the URL stays short. */
export function withoutChip(c: FilterCriteria, chip: Chip): FilterCriteria {
  const list = (c[chip.field] ?? []) as unknown[];
  const rest = list.filter((_, i) => i !== chip.index);
  const next = { ...c } as Record<string, unknown>;
  if (rest.length) next[chip.field] = rest;
  else delete next[chip.field];
  return next;
}

export function withFilter<K extends AnyField>(
  c: FilterCriteria,
  field: K,
  filter: NonNullable<FilterCriteria[K]>[number],
): FilterCriteria {
  const list = (c[field] ?? []) as unknown[];
  return { ...c, [field]: [...list, filter] };
}

export function isEmptyCriteria(c: FilterCriteria): boolean {
  return !Object.values(c).some((v) => Array.isArray(v) && v.length > 0);
}

/** A FilterCriteria read back from a URL: only known fields with array values survive. */
export function sanitizeCriteria(raw: unknown): FilterCriteria {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, unknown> = {};
  for (const field of ALL_FIELDS) {
    const v = (raw as Record<string, unknown>)[field];
    if (Array.isArray(v) && v.length) out[field] = v.filter((x) => x && typeof x === 'object');
  }
  return out;
}

export const eq = (value: string): StringFilter => ({ comparison: 'EQUALS', value });
