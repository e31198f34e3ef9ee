import type { Principal } from '../accounts/api-keys.js';
import type { ImageInventoryOptions } from '../catalog/image-inventory.js';
import type { Egress } from '../egress/egress-client.js';
import { EgressUnreachableError } from '../egress/egress-unreachable-error.js';
import { parseImageReference } from '../source/image/reference/image-reference.js';
import { registryApiHost } from '../source/image/registry/registry-client.js';
import { ImageScanForbiddenError } from './image-scan-forbidden-error.js';

/** What an account asks the server to scan (the body of POST …/image-scans, stored with the scan). */
export interface ImageScanAsk {
  reference: string;
  insecure?: boolean;
  platform?: string;
}

/**
 * Which registries a caller may make the server contact, in one place. Until accounts have registries
 * of their own (issue 13, which adds "only a registry the account configured" here):
 * - the registry's host must pass the egress policy (checked now for a clear 403, and again on every
 *   connection the scan makes, redirects and token servers included);
 * - `insecure` (plain HTTP) needs an admin key of the account.
 */
export async function authorizeImageScan(
  caller: Principal,
  ask: ImageScanAsk,
  egress: Egress,
): Promise<void> {
  if (ask.insecure && caller.role !== 'admin')
    throw new ImageScanForbiddenError('plain HTTP (insecure) registries need an admin key of the account', {
      insecure: true,
    });
  const ref = parseImageReference(ask.reference);
  if (ref.kind !== 'registry') return;
  try {
    await egress.check(`https://${registryApiHost(ref.registry)}/`);
  } catch (err) {
    // A name that does not resolve now fails the scan later, as it did before; a refusal is final.
    if (!(err instanceof EgressUnreachableError)) throw err;
  }
}

/**
 * How the server opens an image it scans for an account: through the server's egress, and never with
 * the operator's own docker credentials (`DOCKER_CONFIG`, ~/.docker/config.json): the scan is
 * anonymous (anonymous bearer tokens still work) until issue 13 passes the account's stored
 * credentials for that registry here.
 */
export function serverImageOptions(ask: ImageScanAsk, egress: Egress): ImageInventoryOptions {
  return {
    egress,
    dockerConfig: false,
    ...(ask.insecure ? { insecure: true } : {}),
    ...(ask.platform ? { platform: ask.platform } : {}),
  };
}
