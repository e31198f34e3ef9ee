import type { ApplyClient } from './apply-client.js';
import type { ApplyFile } from './apply-file.js';
import { enc } from './apply-kind.js';
import { ApplyPlanError } from './apply-plan-error.js';
import type { Plan } from './apply-plan-types.js';

interface Account {
  id: string;
  name: string;
  organizationId: string | null;
}
interface Organization {
  id: string;
  name: string;
  delegatedAdminAccountId: string | null;
}

/**
 * Plans the organization and its accounts; returns the ids of accounts the plan creates. The API
 * neither renames nor deletes organizations and accounts, so a different name is a warning and an
 * account is never pruned. The key must be an admin key of the delegated administrator (or, before
 * there is an organization, of the account that will become it).
 */
export async function planOrganization(client: ApplyClient, f: ApplyFile, plan: Plan): Promise<Set<string>> {
  const { accounts } = await client.get<{ accounts: Account[] }>('/v1/accounts');
  const visible = new Map(accounts.map((a) => [a.id, a]));
  const created = new Set<string>();
  const org = f.organization;
  let orgId: string | null = null;
  if (org) {
    const admin = visible.get(org.administratorAccount);
    if (!admin)
      throw new ApplyPlanError(
        `the key does not belong to account "${org.administratorAccount}", the organization's administrator`,
        { administratorAccount: org.administratorAccount },
      );
    if (admin.organizationId === null) {
      plan.changes.push({ op: 'create-organization', name: org.name, administrator: admin.id });
    } else {
      const o = await client.get<Organization>(`/v1/organizations/${enc(admin.organizationId)}`);
      if (o.delegatedAdminAccountId !== admin.id)
        throw new ApplyPlanError(
          `account "${admin.id}" is not the delegated administrator of organization ${o.id}`,
          { organizationId: o.id },
        );
      if (o.name !== org.name)
        plan.warnings.push(
          `organization ${o.id} is named "${o.name}"; the API cannot rename it to "${org.name}"`,
        );
      orgId = o.id;
      plan.organizationId = o.id;
    }
  }
  for (const a of f.accounts) {
    const live = visible.get(a.id);
    if (live) {
      if (org && live.organizationId !== orgId && live.id !== org.administratorAccount)
        throw new ApplyPlanError(`account "${a.id}" belongs to another organization`, { accountId: a.id });
      if (a.name !== undefined && a.name !== live.name)
        plan.warnings.push(
          `account "${a.id}" is named "${live.name}"; the API cannot rename it to "${a.name}"`,
        );
      continue;
    }
    if (!org)
      throw new ApplyPlanError(
        `account "${a.id}" does not exist or the key cannot see it; declare an organization to create it`,
        { accountId: a.id },
      );
    plan.changes.push({ op: 'create-account', accountId: a.id, name: a.name ?? a.id });
    created.add(a.id);
  }
  return created;
}
