import type { AssessmentFacts, FactValue } from '../facts/fact-model.js';

/** The result of one condition: pass/fail say what was found; skip/error say why it could not be told. */
export interface Outcome {
  status: 'pass' | 'fail' | 'skip' | 'error';
  reason: string;
}

export const pass = (reason: string): Outcome => ({ status: 'pass', reason });
export const fail = (reason: string): Outcome => ({ status: 'fail', reason });

/** The fact for `key`, or the outcome that stands for it when it was not (or could not be) read. */
export function lookupFact<T extends FactValue['type']>(
  facts: AssessmentFacts,
  key: string,
  type: T,
): { fact: Extract<FactValue, { type: T }> } | { outcome: Outcome } {
  const r = facts.facts[key];
  if (!r) return { outcome: { status: 'skip', reason: `fact ${key} was not collected` } };
  if (r.status === 'error') return { outcome: { status: 'error', reason: r.reason } };
  if (r.status === 'unsupported') return { outcome: { status: 'skip', reason: r.reason } };
  if (r.fact.type !== type) {
    return {
      outcome: { status: 'error', reason: `fact ${key} is ${r.fact.type}, the check expects ${type}` },
    };
  }
  return { fact: r.fact as Extract<FactValue, { type: T }> };
}

/** A readable name for a fact key in reasons: `net.ipv4.ip_forward`, `sshd maxauthtries`, `pwquality minlen`. */
export function factLabel(key: string): string {
  const i = key.indexOf(':');
  const kind = key.slice(0, i);
  const arg = key.slice(i + 1);
  switch (kind) {
    case 'sysctl':
    case 'unit':
      return arg;
    case 'kv':
      return arg.replace(':', ' ');
    case 'login.defs':
      return `login.defs ${arg}`;
    case 'pam':
      return `/etc/pam.d/${arg}`;
    case 'lines':
      return `${arg} configuration`;
    default:
      return `${kind} ${arg}`;
  }
}

const regexCache = new Map<string, RegExp>();

/** Checks' patterns are data: compiled once, with the `i` flag when a test asks for it. */
export function regex(source: string, ignoreCase = false): RegExp {
  const key = `${ignoreCase ? 'i' : '-'}${source}`;
  let re = regexCache.get(key);
  if (!re) {
    re = new RegExp(source, ignoreCase ? 'i' : '');
    regexCache.set(key, re);
  }
  return re;
}

/** At most `n` items of a list for a reason text, with how many more there were. */
export function listSome(items: readonly string[], n = 3): string {
  const shown = items.slice(0, n).join('; ');
  return items.length > n ? `${shown}; and ${items.length - n} more` : shown;
}
