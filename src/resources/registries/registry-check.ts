import { isVigilError } from '../../core/errors/vigil-error.js';
import type { Egress } from '../../egress/egress-client.js';
import { RegistryApi } from '../../source/image/registry/registry-catalog.js';
import type { SecretBox } from '../../store/secret-box.js';
import { registryCredentials, type RegistryRow } from './registry-store.js';

/** The answer of POST …/registries/{id}/check: one stable code, and what was tried. */
export interface RegistryCheck {
  code: RegistryCheckCode;
  message: string;
  /** Whether `_catalog` answered (polling needs it); null when the connection itself failed. */
  catalog: 'OK' | 'REFUSED' | null;
  checkedAt: string;
}

export type RegistryCheckCode =
  'OK' | 'ACCESS_DENIED' | 'EGRESS_DENIED' | 'UNREACHABLE' | 'TIMEOUT' | 'TLS_REQUIRED' | 'NOT_A_REGISTRY';

/** The check's code for an error of the registry client or the egress. */
export function checkCodeOf(err: unknown): RegistryCheckCode {
  const code = isVigilError(err) ? err.code : '';
  switch (code) {
    case 'REGISTRY_AUTH_FAILED':
      return 'ACCESS_DENIED';
    case 'EGRESS_DENIED':
      return 'EGRESS_DENIED';
    case 'EGRESS_TIMEOUT':
      return 'TIMEOUT';
    case 'INSECURE_REGISTRY_REFUSED':
      return 'TLS_REQUIRED';
    case 'REGISTRY_ERROR':
      return 'NOT_A_REGISTRY';
    default:
      return 'UNREACHABLE';
  }
}

const safeMessage = (err: unknown): string => (isVigilError(err) ? err.message : 'the connection failed');

/**
 * Connects to the registry as a scan would (the server's egress, the stored credentials), asks `/v2/`
 * with them, then `_catalog` (which polling needs; many registries refuse it to all but admins).
 */
export async function checkRegistry(
  egress: Egress,
  secrets: SecretBox,
  r: RegistryRow,
  now: Date,
): Promise<RegistryCheck> {
  const creds = registryCredentials(secrets, r);
  const api = new RegistryApi(r.host, {
    egress,
    ...(creds ? { credentials: creds } : {}),
    ...(r.insecure === 1 ? { insecure: true } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const checkedAt = now.toISOString();
  try {
    await api.check();
  } catch (err) {
    return { code: checkCodeOf(err), message: safeMessage(err), catalog: null, checkedAt };
  }
  try {
    for await (const _repo of api.repositories()) break;
    return { code: 'OK', message: `${r.host} answered with these credentials`, catalog: 'OK', checkedAt };
  } catch (err) {
    const why = safeMessage(err);
    return {
      code: 'OK',
      message: `${r.host} answered, but refused _catalog (${why}): polling cannot list it`,
      catalog: 'REFUSED',
      checkedAt,
    };
  }
}
