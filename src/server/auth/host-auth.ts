import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { HostKeyInvalidError } from '../../accounts/host-key-invalid-error.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { hostOfKey, type HostCheckinState } from '../../resources/hosts/host-agent-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on POST /v1/agent/checkin: the host its key belongs to (key lookup joined to its state). */
    agentHost?: HostCheckinState;
  }
}

/** The one route a host key may call. */
export const CHECKIN_ROUTE = '/v1/agent/checkin';
/** The route that trades an enrollment token (in its body) for a host key: no credentials header. */
export const ENROLL_ROUTE = '/v1/agent/enroll';

/**
 * Authenticates a check-in by its host key, before the body is read (an unknown caller's body costs
 * nothing): one indexed lookup that also reads what the heartbeat needs. Anything else, a revoked
 * key included, is 401 HOST_KEY_INVALID with `nodeInvalid: true`.
 */
export async function authenticateHost(req: FastifyRequest, db: Kysely<ServiceDatabase>): Promise<void> {
  const presented = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const host = presented ? await hostOfKey(db, presented) : undefined;
  if (!host) throw new HostKeyInvalidError();
  req.agentHost = host;
}

export function hostOf(req: FastifyRequest): HostCheckinState {
  if (!req.agentHost) throw new HostKeyInvalidError();
  return req.agentHost;
}
