import { ImageReferenceError } from '../errors/image-reference-error.js';

export const DOCKER_HUB = 'docker.io';

/** A reference to an image in a registry, normalized as Docker does (`alpine` → docker.io/library/alpine:latest). */
export interface RegistryReference {
  kind: 'registry';
  /** Host[:port] as written, `docker.io` for Docker Hub. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ArchiveReference {
  kind: 'docker-archive' | 'oci' | 'oci-archive';
  path: string;
  /** oci / oci-archive: the `org.opencontainers.image.ref.name` to pick from index.json. */
  tag?: string;
}

export type ImageReference = RegistryReference | ArchiveReference;

const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses `REGISTRY/NAME[:TAG|@DIGEST]`, `docker://…`, `docker-archive:PATH`, `oci:DIR[:TAG]`, `oci-archive:PATH[:TAG]`. */
export function parseImageReference(input: string): ImageReference {
  const ref = input.trim();
  if (ref.startsWith('docker-archive:')) return archive('docker-archive', ref.slice(15), false);
  if (ref.startsWith('oci-archive:')) return archive('oci-archive', ref.slice(12), true);
  if (ref.startsWith('oci:')) return archive('oci', ref.slice(4), true);
  return parseRegistryReference(ref.startsWith('docker://') ? ref.slice(9) : ref);
}

function archive(kind: ArchiveReference['kind'], rest: string, tagged: boolean): ArchiveReference {
  if (rest === '') throw new ImageReferenceError(`${kind}: needs a path`, { kind });
  // `oci:DIR:TAG`: the tag is what follows the last colon, unless that colon is part of the path.
  const colon = tagged ? rest.lastIndexOf(':') : -1;
  if (colon > 0 && !rest.slice(colon + 1).includes('/')) {
    const tag = rest.slice(colon + 1);
    return tag ? { kind, path: rest.slice(0, colon), tag } : { kind, path: rest.slice(0, colon) };
  }
  return { kind, path: rest };
}

export function parseRegistryReference(ref: string): RegistryReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new ImageReferenceError(`invalid digest in ${ref}`, { ref });
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new ImageReferenceError(`invalid tag in ${ref}`, { ref });
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasDomain ? first : DOCKER_HUB;
  let repository = hasDomain ? rest.slice(slash + 1) : rest;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!repository.split('/').every((c) => COMPONENT_RE.test(c)))
    throw new ImageReferenceError(`invalid repository name in ${ref} (lower case, digits, . _ -)`, { ref });
  const out: RegistryReference = { kind: 'registry', registry, repository };
  if (tag) out.tag = tag;
  if (digest) out.digest = digest;
  if (!tag && !digest) out.tag = 'latest';
  return out;
}

/** Canonical text form: `registry/repository[:tag][@digest]`. */
export function formatRegistryReference(r: RegistryReference): string {
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
