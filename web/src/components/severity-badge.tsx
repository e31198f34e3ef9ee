import type { ReactNode } from 'react';
import type { Severity } from '../api/api-types.js';

const LABELS: Record<Severity, string> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFORMATIONAL: 'Informational',
  UNTRIAGED: 'Untriaged',
};

export const severityLabel = (s: Severity): string => LABELS[s] ?? s;

/** Text and colour: the word is always there, so colour is never the only signal. */
export function SeverityBadge({ severity }: { severity: Severity }): ReactNode {
  return <span className={`badge sev-${severity.toLowerCase()}`}>{severityLabel(severity)}</span>;
}

export function StatusBadge({ status }: { status: string }): ReactNode {
  return <span className={`badge status-${status.toLowerCase()}`}>{status}</span>;
}
