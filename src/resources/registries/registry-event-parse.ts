import { REGISTRY_USER_AGENT } from '../../source/image/registry/registry-http.js';
import { RegistryEventInvalidError } from './registry-event-invalid-error.js';

/** One thing a registry told, in vigil's words. */
export type RegistryEvent =
  | {
      action: 'push';
      repository: string;
      digest: string;
      tag: string | null;
      mediaType: string | null;
      at: string;
    }
  | { action: 'pull'; repository: string; digest: string; at: string }
  | { action: 'delete'; repository: string; digest: string; at: string };

export interface ParsedEvents {
  events: RegistryEvent[];
  /** Events read but not acted on (blob pushes, mounts, unknown kinds, bad fields), with why. */
  ignored: Array<{ index: number; reason: string }>;
}

/** Distribution sends at most a few dozen per request; a body with more is not a registry's. */
export const MAX_EVENTS = 5000;

const SCANNER_AGENT_PREFIX = `${REGISTRY_USER_AGENT.split('/')[0] ?? 'vigil-scanner'}/`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
// The distribution spec's repository name grammar (path components of lowercase alphanumerics and separators).
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Reads a registry notification: the CNCF distribution envelope (`{events: [...]}`) or a Harbor
 * webhook (`{type: PUSH_ARTIFACT|PULL_ARTIFACT|DELETE_ARTIFACT, event_data}`). A body that is neither
 * is REGISTRY_EVENT_INVALID; single events vigil does not act on are listed as ignored, never failing
 * the request (distribution retries a refused envelope forever, which would stall its queue).
 */
export function parseRegistryEvents(body: unknown, receivedAt: Date): ParsedEvents {
  const root = obj(body);
  if (root && Array.isArray(root['events'])) return distributionEvents(root['events'], receivedAt);
  if (root && typeof root['type'] === 'string' && obj(root['event_data']))
    return harborEvents(root, receivedAt);
  throw new RegistryEventInvalidError(
    'not a registry notification: expected a distribution envelope {"events": [...]} or a Harbor webhook {"type", "event_data"}',
  );
}

function checkCount(n: number): void {
  if (n > MAX_EVENTS)
    throw new RegistryEventInvalidError(`${n} events in one notification; at most ${MAX_EVENTS}`, {
      max: MAX_EVENTS,
    });
}

function isoOf(v: unknown, fallback: Date): string {
  const t = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) && t > 0 ? new Date(t).toISOString() : fallback.toISOString();
}

function distributionEvents(list: unknown[], receivedAt: Date): ParsedEvents {
  checkCount(list.length);
  const out: ParsedEvents = { events: [], ignored: [] };
  list.forEach((raw, index) => {
    const e = obj(raw);
    const target = obj(e?.['target']);
    const action = str(e?.['action']);
    const repository = str(target?.['repository']);
    const digest = str(target?.['digest']);
    const mediaType = str(target?.['mediaType']) ?? null;
    const why = problemOf(action, repository, digest);
    if (why || !e || !repository || !digest)
      return out.ignored.push({ index, reason: why ?? 'incomplete event' });
    const at = isoOf(e['timestamp'], receivedAt);
    // vigil's own scan reads the manifest too: that is no pull, and must not stretch the pull window.
    if (action === 'pull' && str(obj(e['request'])?.['useragent'])?.startsWith(SCANNER_AGENT_PREFIX))
      return out.ignored.push({ index, reason: "vigil's own read" });
    // Blob pushes and pulls carry layer media types: only manifests and indexes are images.
    if (action !== 'delete' && (!mediaType || !MANIFEST_TYPES.has(mediaType)))
      return out.ignored.push({ index, reason: `not a manifest (${mediaType ?? 'no media type'})` });
    if (action === 'push') {
      const tag = str(target?.['tag']);
      out.events.push({ action, repository, digest, tag: tag && TAG.test(tag) ? tag : null, mediaType, at });
    } else if (action === 'pull' || action === 'delete') out.events.push({ action, repository, digest, at });
    return undefined;
  });
  return out;
}

function problemOf(
  action: string | undefined,
  repository: string | undefined,
  digest: string | undefined,
): string | undefined {
  if (action !== 'push' && action !== 'pull' && action !== 'delete')
    return `action ${action ?? '(none)'} is not acted on`;
  if (!repository || !REPOSITORY.test(repository)) return 'target.repository is not a repository name';
  if (!digest || !DIGEST.test(digest)) return 'target.digest is not a sha256 digest';
  return undefined;
}

const HARBOR_ACTIONS: Readonly<Record<string, 'push' | 'pull' | 'delete'>> = {
  PUSH_ARTIFACT: 'push',
  PULL_ARTIFACT: 'pull',
  DELETE_ARTIFACT: 'delete',
};

function harborEvents(root: Json, receivedAt: Date): ParsedEvents {
  const data = obj(root['event_data']) ?? {};
  const action = HARBOR_ACTIONS[str(root['type']) ?? ''];
  const resources = Array.isArray(data['resources']) ? data['resources'] : [];
  checkCount(resources.length);
  const out: ParsedEvents = { events: [], ignored: [] };
  if (!action) {
    out.ignored.push({ index: 0, reason: `Harbor event ${str(root['type'])} is not acted on` });
    return out;
  }
  const repository = str(obj(data['repository'])?.['repo_full_name']);
  const at = isoOf(root['occur_at'], receivedAt);
  resources.forEach((raw, index) => {
    const r = obj(raw);
    const digest = str(r?.['digest']);
    const why = problemOf(action, repository, digest);
    if (why || !repository || !digest) return out.ignored.push({ index, reason: why ?? 'incomplete event' });
    if (action === 'push') {
      // Harbor names an untagged artifact's tag by its digest.
      const tag = str(r?.['tag']);
      out.events.push({
        action,
        repository,
        digest,
        tag: tag && TAG.test(tag) ? tag : null,
        mediaType: null,
        at,
      });
    } else out.events.push({ action, repository, digest, at });
    return undefined;
  });
  return out;
}
