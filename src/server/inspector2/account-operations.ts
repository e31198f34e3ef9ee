import { getAccount, type ScanningSettings } from '../../accounts/account-views.js';
import {
  getImageRescan,
  type PullRescanDuration,
  type RescanDuration,
} from '../../accounts/image-rescan-settings.js';
import { updateScanning } from '../../accounts/scanning-settings.js';
import { getImageScanConfig } from '../../accounts/image-scan-config.js';
import { updateImageScanning } from '../../scan/image-scanning-update.js';
import { accessDenied, invalidInput, notFoundAws } from './inspector2-errors.js';
import { epochSeconds } from './inspector2-finding.js';
import { requireAdminOf, type Operation, type OperationCall } from './inspector2-operation.js';

/**
 * Account status and scan configuration. Inspector's resource types map to vigil's scan kinds:
 * EC2 = hosts (package and network reachability findings of hosts, as Inspector's EC2 scanning gives
 * both), ECR = container images. Lambda and code repositories do not exist here.
 */
const KINDS_OF_TYPE: Readonly<Record<string, ReadonlyArray<keyof ScanningSettings>>> = {
  EC2: ['host', 'network'],
  ECR: ['image'],
};

const status = (on: boolean): string => (on ? 'ENABLED' : 'DISABLED');

function resourceStatus(s: ScanningSettings): Record<string, string> {
  return { ec2: status(s.host), ecr: status(s.image), lambda: 'DISABLED', lambdaCode: 'DISABLED' };
}

const failed = (accountId: string): Record<string, unknown> => ({
  accountId,
  errorCode: 'ACCESS_DENIED',
  errorMessage: `no access to account ${accountId}`,
});

/** Every account it names the key sees; one it does not (existing or not) is a failed account. */
export const batchGetAccountStatusOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const ids = (input as { accountIds?: string[] }).accountIds ?? [principal.accountId];
    const accounts: unknown[] = [];
    const failedAccounts: unknown[] = [];
    for (const id of ids) {
      const account = principal.visibleAccountIds.includes(id) ? await getAccount(ctx.db, id) : undefined;
      if (!account) {
        failedAccounts.push(failed(id));
        continue;
      }
      const s = account.scanning;
      const rs = resourceStatus(s);
      accounts.push({
        accountId: id,
        state: { status: status(s.host || s.image) },
        resourceState: Object.fromEntries(Object.entries(rs).map(([k, v]) => [k, { status: v }])),
      });
    }
    return { accounts, failedAccounts };
  },
};

async function setKinds(call: OperationCall, on: boolean): Promise<Record<string, unknown>> {
  const { ctx, principal } = call;
  const q = call.input as { accountIds?: string[]; resourceTypes?: string[] };
  const types = q.resourceTypes?.length ? q.resourceTypes : on ? [] : Object.keys(KINDS_OF_TYPE);
  const unsupported = types.filter((t) => !KINDS_OF_TYPE[t]);
  if (unsupported.length > 0)
    throw invalidInput(
      `resourceTypes ${unsupported.join(', ')}: vigil scans EC2 (hosts) and ECR (images) only`,
      'resourceTypes',
    );
  if (principal.role !== 'admin') throw accessDenied('an admin key is needed to enable or disable scanning');
  const patch = Object.fromEntries(types.flatMap((t) => KINDS_OF_TYPE[t] ?? []).map((k) => [k, on]));
  const accounts: unknown[] = [];
  const failedAccounts: unknown[] = [];
  for (const accountId of q.accountIds ?? [principal.accountId]) {
    const change = principal.visibleAccountIds.includes(accountId)
      ? await updateScanning(ctx.db, { dialect: ctx.dialect, accountId, patch, now: ctx.now() })
      : undefined;
    if (!change) failedAccounts.push(failed(accountId));
    else
      accounts.push({
        accountId,
        status: status(change.after.host || change.after.image),
        resourceStatus: resourceStatus(change.after),
      });
  }
  return { accounts, failedAccounts };
}

export const enableOperation: Operation = { mutates: true, run: (call) => setKinds(call, true) };
export const disableOperation: Operation = { mutates: true, run: (call) => setKinds(call, false) };

/** The caller's account: vigil's agent is agent-based scanning (EC2_SSM_AGENT_BASED in Inspector's words). */
export const getConfigurationOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal }) => {
    const rescan = await getImageRescan(ctx.db, principal.accountId);
    if (!rescan) throw notFoundAws(`account ${principal.accountId}`);
    return {
      ecrConfiguration: {
        rescanDurationState: {
          rescanDuration: rescan.rescanDuration,
          status: 'SUCCESS',
          ...(rescan.updatedAt ? { updatedAt: epochSeconds(rescan.updatedAt) } : {}),
          ...(rescan.pullDateRescanDuration ? { pullDateRescanDuration: rescan.pullDateRescanDuration } : {}),
          ...(rescan.pullDateRescanMode ? { pullDateRescanMode: rescan.pullDateRescanMode } : {}),
        },
      },
      ec2Configuration: { scanModeState: { scanMode: 'EC2_SSM_AGENT_BASED', scanModeStatus: 'SUCCESS' } },
    };
  },
};

interface UpdateInput {
  ecrConfiguration?: {
    rescanDuration: RescanDuration;
    pullDateRescanDuration?: PullRescanDuration;
    pullDateRescanMode?: string;
  };
  ec2Configuration?: { scanMode: string };
}

/** The image rescan window goes to the account's image scan configuration, and re-decides every image's window. */
export const updateConfigurationOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input }) => {
    const q = input as UpdateInput;
    requireAdminOf(principal, principal.accountId);
    if (q.ec2Configuration && q.ec2Configuration.scanMode !== 'EC2_SSM_AGENT_BASED')
      throw invalidInput(
        'vigil scans hosts with its agent only (EC2_SSM_AGENT_BASED)',
        'ec2Configuration.scanMode',
      );
    const ecr = q.ecrConfiguration;
    if (ecr?.pullDateRescanMode !== undefined && ecr.pullDateRescanMode !== 'LAST_PULL_DATE')
      throw invalidInput(
        "vigil knows an image's last pull date only (LAST_PULL_DATE)",
        'ecrConfiguration.pullDateRescanMode',
      );
    // The same configuration PUT …/image-scanning writes (its rules kept): every image's window is
    // decided again, so both APIs always agree.
    const current = ecr && (await getImageScanConfig(ctx.db, principal.accountId));
    if (ecr && current)
      await updateImageScanning(ctx, principal.accountId, {
        rules: current.rules,
        rescanDuration: ecr.rescanDuration,
        ...(ecr.pullDateRescanDuration ? { pullDateRescanDuration: ecr.pullDateRescanDuration } : {}),
        ...(ecr.pullDateRescanMode ? { pullDateRescanMode: 'LAST_PULL_DATE' as const } : {}),
      });
    return {};
  },
};
