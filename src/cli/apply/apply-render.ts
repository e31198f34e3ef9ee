import { stable, type Fields } from './apply-kind.js';
import type { Revealed } from './apply-execute.js';
import type { Change, Plan } from './apply-plan-types.js';

/** The plan as people read it (terraform's plan, in vigil's words): one block per change, then counts. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  for (const w of plan.warnings) out.push(`Warning: ${w}`);
  if (plan.changes.length === 0) out.push(`No changes. The server matches ${plan.file}.`);
  else {
    out.push('vigil apply will perform these actions:', '');
    for (const c of plan.changes) out.push(...renderChange(c), '');
    const n = counts(plan.changes);
    out.push(`Plan: ${n.add} to add, ${n.change} to change, ${n.destroy} to destroy.`);
  }
  for (const k of plan.kept)
    out.push(
      `Note: ${k.kind.title} "${k.live.identity}" of account "${k.accountId}" was created by apply and is no longer declared; kept (--prune deletes it).`,
    );
  return out.join('\n') + '\n';
}

export function renderResult(plan: Plan, revealed: readonly Revealed[]): string {
  const n = counts(plan.changes);
  const out = [`Apply complete: ${n.add} added, ${n.change} changed, ${n.destroy} destroyed.`];
  for (const r of revealed)
    for (const [name, value] of Object.entries(r.values))
      out.push(`  ${r.title} "${r.identity}" of account "${r.accountId}": ${name} (shown once): ${value}`);
  return out.join('\n') + '\n';
}

function counts(changes: readonly Change[]): { add: number; change: number; destroy: number } {
  const n = { add: 0, change: 0, destroy: 0 };
  for (const c of changes) {
    if (c.op === 'replace') {
      n.add++;
      n.destroy++;
    } else if (c.op === 'delete') n.destroy++;
    else if (c.op === 'set' || c.op === 'update') n.change++;
    else n.add++;
  }
  return n;
}

function renderChange(c: Change): string[] {
  switch (c.op) {
    case 'create-organization':
      return [`  + organization "${c.name}" (delegated administrator: account "${c.administrator}")`];
    case 'create-account':
      return [`  + account "${c.accountId}" (name: "${c.name}")`];
    case 'set':
      return [
        `  ~ ${c.kind.title} of account "${c.accountId}"`,
        ...c.changed.map((k) => field(c.before ? '~' : '+', k, c.before?.[k], c.after[k])),
      ];
    case 'create':
      return [
        `  + ${c.kind.title} "${c.desired.identity}" in account "${c.accountId}"`,
        ...Object.keys(c.desired.fields).map((k) =>
          field('+', k, undefined, shown(c.desired.fields, k, c.desired.sensitive)),
        ),
      ];
    case 'update':
      return [
        `  ~ ${c.kind.title} "${c.desired.identity}" in account "${c.accountId}"${c.adopt ? ' (now owned by apply)' : ''}`,
        ...c.changed.map((k) => field('~', k, c.live.fields[k], c.desired.fields[k])),
      ];
    case 'replace':
      return [
        `-/+ ${c.kind.title} "${c.desired.identity}" in account "${c.accountId}" (cannot change in place: replaced)`,
        ...c.changed.map((k) => field('~', k, c.live.fields[k], c.desired.fields[k])),
      ];
    case 'delete':
      return [`  - ${c.kind.title} "${c.live.identity}" in account "${c.accountId}"`];
  }
}

function field(sign: string, key: string, before: unknown, after: unknown): string {
  return sign === '~'
    ? `      ~ ${key}: ${stable(before)} -> ${stable(after)}`
    : `      + ${key}: ${stable(after)}`;
}

function shown(fields: Fields, key: string, sensitive: readonly string[] = []): unknown {
  return sensitive.includes(key) ? '(sensitive)' : fields[key];
}
