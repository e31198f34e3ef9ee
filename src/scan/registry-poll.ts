import { getImageScanConfig, frequencyOf } from '../accounts/image-scan-config.js';
import { isVigilError } from '../core/errors/vigil-error.js';
import type { Egress } from '../egress/egress-client.js';
import { checkCodeOf } from '../resources/registries/registry-check.js';
import type { RegistryEvent } from '../resources/registries/registry-event-parse.js';
import { recordPoll, registryCredentials, type RegistryRow } from '../resources/registries/registry-store.js';
import { RegistryApi } from '../source/image/registry/registry-catalog.js';
import type { SecretBox } from '../store/secret-box.js';
import type { StoreContext } from '../store/store-context.js';
import { applyRegistryEvents, type EventOutcome } from './registry-events.js';

export interface PollOutcome extends EventOutcome {
  repositories: number;
  tags: number;
  error: { code: string; message: string } | null;
}

type PollContext = StoreContext & { egress: Egress; secrets: SecretBox };

/** A poll's listing is cut here (a registry of thousands of tags lists in well under it). */
export const REGISTRY_POLL_BUDGET_MS = 10 * 60_000;

/**
 * Discovers a registry's images without notifications: `_catalog`, then `tags/list` of each repository
 * an inclusion rule matches (others are never listed), each tag's manifest digest; a tag vigil has not
 * seen on that digest is a push (scanned through the same path as a notification), and an image vigil
 * knows from this registry's included repositories that no tag names any more is deleted. A registry
 * that refuses `_catalog` (or the credentials) records why on the registry (`pollError`), and nothing
 * vigil knows is deleted on a listing that did not complete.
 */
export async function pollRegistry(
  ctx: PollContext,
  registry: RegistryRow,
  pageSize?: number,
): Promise<PollOutcome> {
  const out: PollOutcome = {
    scansQueued: 0,
    deduplicated: 0,
    excluded: 0,
    pulls: 0,
    deleted: 0,
    repositories: 0,
    tags: 0,
    error: null,
  };
  const config = await getImageScanConfig(ctx.db, registry.account_id);
  if (!config) return out;
  const creds = registryCredentials(ctx.secrets, registry);
  const api = new RegistryApi(registry.host, {
    egress: ctx.egress,
    ...(creds ? { credentials: creds } : {}),
    ...(registry.insecure === 1 ? { insecure: true } : {}),
    ...(pageSize ? { pageSize } : {}),
    signal: AbortSignal.timeout(REGISTRY_POLL_BUDGET_MS),
  });
  const at = ctx.now().toISOString();
  const seen = new Map<string, Set<string>>();
  const events: RegistryEvent[] = [];
  try {
    const known = await knownTags(ctx, registry);
    for await (const repository of api.repositories()) {
      if (frequencyOf(config.rules, repository) === null) continue;
      out.repositories++;
      for await (const tag of api.tags(repository)) {
        out.tags++;
        const { digest, mediaType } = await api.manifestOf(repository, tag);
        (seen.get(repository) ?? seen.set(repository, new Set()).get(repository))?.add(digest);
        if (!known.get(digest)?.has(tag))
          events.push({ action: 'push', repository, digest, tag, mediaType, at });
      }
    }
    for (const [digest, info] of await knownImages(ctx, registry))
      if (frequencyOf(config.rules, info.repository) !== null && !seen.get(info.repository)?.has(digest))
        events.push({ action: 'delete', repository: info.repository, digest, at });
  } catch (err) {
    out.error = {
      code:
        checkCodeOf(err) === 'ACCESS_DENIED' ? 'ACCESS_DENIED' : isVigilError(err) ? err.code : 'INTERNAL',
      message: isVigilError(err) ? err.message : 'the listing failed',
    };
    await recordPoll(ctx.db, registry.id, at, out.error);
    return out;
  }
  Object.assign(out, await applyRegistryEvents(ctx, registry, events));
  await recordPoll(ctx.db, registry.id, at, null);
  return out;
}

/** The tags vigil has recorded per digest for this registry's live images. */
async function knownTags(ctx: StoreContext, registry: RegistryRow): Promise<Map<string, Set<string>>> {
  const rows = await ctx.db
    .selectFrom('registry_images')
    .select(['resource_id', 'tags_json'])
    .where('registry_id', '=', registry.id)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.resource_id, new Set(JSON.parse(r.tags_json) as string[])]));
}

async function knownImages(
  ctx: StoreContext,
  registry: RegistryRow,
): Promise<Map<string, { repository: string }>> {
  const rows = await ctx.db
    .selectFrom('registry_images')
    .select(['resource_id', 'repository'])
    .where('registry_id', '=', registry.id)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.resource_id, { repository: r.repository }]));
}
