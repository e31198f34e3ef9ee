import { getAccount, type AccountView } from '../../accounts/account-views.js';
import type { Principal } from '../../accounts/api-keys.js';
import {
  createMemberAccount,
  findOrganization,
  type OrganizationRow,
} from '../../accounts/organization-service.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { accessDenied, notFoundAws } from './inspector2-errors.js';
import { epochSeconds } from './inspector2-finding.js';
import { offsetOf, pageOf, type Operation } from './inspector2-operation.js';

/**
 * vigil's organization in Inspector's words: the delegated administrator's keys see every member
 * account (as on /v1), a member's keys see their own account only. Every member is associated
 * (relationshipStatus ENABLED): vigil has no invitations.
 */
async function organizationOf(ctx: ServiceContext, p: Principal): Promise<OrganizationRow | undefined> {
  const own = await getAccount(ctx.db, p.accountId);
  return own?.organizationId ? findOrganization(ctx.db, own.organizationId) : undefined;
}

function member(a: AccountView, org: OrganizationRow): Record<string, unknown> {
  return {
    accountId: a.id,
    relationshipStatus: 'ENABLED',
    ...(org.delegated_admin_account_id ? { delegatedAdminAccountId: org.delegated_admin_account_id } : {}),
    updatedAt: epochSeconds(a.createdAt),
  };
}

/** The members the key sees, the delegated administrator itself left out (Inspector lists members). */
export const listMembersOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const q = input as { maxResults?: number; nextToken?: string };
    const org = await organizationOf(ctx, principal);
    const accounts: AccountView[] = [];
    for (const id of [...principal.visibleAccountIds].sort()) {
      const a = org && id !== org.delegated_admin_account_id ? await getAccount(ctx.db, id) : undefined;
      if (a?.organizationId === org?.id && a) accounts.push(a);
    }
    const page = pageOf(accounts, offsetOf(q.nextToken), q.maxResults ?? 50);
    return {
      members: org ? page.items.map((a) => member(a, org)) : [],
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
};

export const getMemberOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const accountId = (input as { accountId: string }).accountId;
    const org = await organizationOf(ctx, principal);
    const a = principal.visibleAccountIds.includes(accountId)
      ? await getAccount(ctx.db, accountId)
      : undefined;
    if (!org || !a || a.organizationId !== org.id) throw notFoundAws(`member ${accountId}`);
    return { member: member(a, org) };
  },
};

/**
 * AssociateMember makes the account a member of the delegated administrator's organization: a new
 * vigil account with that id (vigil's accounts exist only inside vigil). Associating a member again
 * changes nothing; an id taken by an account outside the organization is a ConflictException.
 */
export const associateMemberOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input }) => {
    const accountId = (input as { accountId: string }).accountId;
    const org = await organizationOf(ctx, principal);
    if (!org || org.delegated_admin_account_id !== principal.accountId || principal.role !== 'admin')
      throw accessDenied("only the delegated administrator's admin keys associate members");
    const existing = await getAccount(ctx.db, accountId);
    if (existing?.organizationId !== org.id)
      await createMemberAccount(ctx.db, {
        organizationId: org.id,
        id: accountId,
        name: accountId,
        now: ctx.now(),
      });
    return { accountId };
  },
};

export const getDelegatedAdminAccountOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal }) => {
    const org = await organizationOf(ctx, principal);
    if (!org?.delegated_admin_account_id) throw notFoundAws('delegated administrator');
    return { delegatedAdmin: { accountId: org.delegated_admin_account_id, relationshipStatus: 'ENABLED' } };
  },
};
