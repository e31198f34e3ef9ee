import { Readable } from 'node:stream';
import type { Egress } from '../../../egress/egress-client.js';
import { ImageNotFoundError } from '../errors/image-not-found-error.js';
import { InsecureRegistryError } from '../errors/insecure-registry-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { RegistryAuthError } from '../errors/registry-auth-error.js';
import { RegistryError } from '../errors/registry-error.js';
import { digestOf, DigestVerifier, verifyBytes } from '../layer/digest-verifier.js';
import type { Descriptor, ManifestStore } from '../manifest/manifest-resolve.js';
import { MANIFEST_ACCEPT } from '../manifest/media-types.js';
import { parseAuthChallenge, type AuthChallenge } from './auth-challenge.js';
import type { Credentials } from './docker-config.js';
import { fetchWithPolicy, isFinal, readLimited, refusalOf } from './registry-http.js';

export interface RegistryClientOptions {
  /** Every request goes through it: the server's policy, or the CLI's open egress. */
  egress: Egress;
  credentials?: Credentials;
  /** Allow plain HTTP for this registry (always allowed for localhost / 127.0.0.1 / ::1). */
  insecure?: boolean;
  maxManifestBytes: number;
  /** Aborts every request of this client (a scan's time budget). */
  signal?: AbortSignal;
}

export interface RegistryStats {
  manifestFetches: number;
  blobFetches: number;
  tokenFetches: number;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The host that serves a registry's API (Docker Hub's is not docker.io). */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** Docker Registry v2 / OCI distribution client for one repository (pull only). */
export class RegistryClient implements ManifestStore {
  readonly stats: RegistryStats = { manifestFetches: 0, blobFetches: 0, tokenFetches: 0 };
  private base: string | undefined;
  private challenge: AuthChallenge | undefined;
  private readonly tokens = new Map<string, { header: string; expires: number }>();

  constructor(
    readonly registry: string,
    readonly repository: string,
    private readonly opts: RegistryClientOptions,
  ) {}

  private get apiHost(): string {
    return registryApiHost(this.registry);
  }

  /** `/v2/` ping: picks https (or http where allowed) and learns how the registry wants us to authenticate. */
  async ping(): Promise<void> {
    if (this.base) return;
    const host = this.apiHost;
    const plainAllowed = this.opts.insecure === true || LOCAL_HOSTS.has(host.replace(/:\d+$/, ''));
    let res: Response | undefined;
    let base = `https://${host}`;
    try {
      // Where plain HTTP is allowed, one failed TLS attempt is enough to fall back (no retry delays).
      res = await fetchWithPolicy(
        this.opts.egress,
        `${base}/v2/`,
        {},
        plainAllowed ? 0 : undefined,
        this.opts.signal,
      );
    } catch (err) {
      // Refused or timed out: plain HTTP to the same host would be no different.
      if (isFinal(err)) throw err;
      if (!plainAllowed)
        throw new InsecureRegistryError(
          `cannot reach https://${host} (${(err as Error).message}); plain HTTP needs --insecure`,
          { host },
        );
      base = `http://${host}`;
      res = await fetchWithPolicy(this.opts.egress, `${base}/v2/`, {}, undefined, this.opts.signal);
    }
    await res.body?.cancel();
    if (res.status === 401) this.challenge = parseAuthChallenge(res.headers.get('www-authenticate'));
    else if (!res.ok && res.status !== 404)
      throw new RegistryError(`${host}/v2/ answered ${res.status}`, { status: res.status });
    this.base = base;
  }

  async getManifest(ref: string): Promise<{ bytes: Buffer; mediaType?: string; digest: string }> {
    this.stats.manifestFetches++;
    const res = await this.get(`manifests/${ref}`, { accept: MANIFEST_ACCEPT }, `manifest ${ref}`);
    const bytes = await readLimited(res, this.opts.maxManifestBytes, `manifest ${this.repository}:${ref}`);
    if (ref.includes(':')) verifyBytes(bytes, ref, `manifest ${ref}`);
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim();
    const digest = ref.includes(':') ? ref : (res.headers.get('docker-content-digest') ?? digestOf(bytes));
    if (!ref.includes(':')) verifyBytes(bytes, digest, `manifest ${ref}`);
    return mediaType ? { bytes, mediaType, digest } : { bytes, digest };
  }

  async getSmallBlob(desc: Descriptor): Promise<Buffer> {
    if (desc.size > this.opts.maxManifestBytes)
      throw new ManifestTooLargeError(`config ${desc.digest} is ${desc.size} bytes, over the limit`, {
        size: desc.size,
      });
    this.stats.blobFetches++;
    const res = await this.get(`blobs/${desc.digest}`, {}, `blob ${desc.digest}`);
    const bytes = await readLimited(res, this.opts.maxManifestBytes, `config ${desc.digest}`);
    verifyBytes(bytes, desc.digest, `config ${desc.digest}`);
    return bytes;
  }

  /** A blob as a stream that fails (DIGEST_MISMATCH) when its bytes or length differ from the descriptor. */
  async openBlob(digest: string, size: number): Promise<Readable> {
    this.stats.blobFetches++;
    const res = await this.get(`blobs/${digest}`, {}, `blob ${digest}`);
    if (!res.body) throw new RegistryError(`blob ${digest}: empty response`);
    const body = Readable.fromWeb(res.body);
    const verifier = new DigestVerifier(digest, size, `layer ${digest}`);
    body.on('error', (err) => verifier.destroy(err));
    return body.pipe(verifier);
  }

  private async get(path: string, extra: Record<string, string>, what: string): Promise<Response> {
    await this.ping();
    const url = `${this.base}/v2/${this.repository}/${path}`;
    let res = await fetchWithPolicy(
      this.opts.egress,
      url,
      { ...extra, ...(await this.authHeaders(false)) },
      undefined,
      this.opts.signal,
    );
    if (res.status === 401) {
      await res.body?.cancel();
      // The token may have expired or the registry wants a different scope: re-read the challenge once.
      this.challenge = parseAuthChallenge(res.headers.get('www-authenticate')) ?? this.challenge;
      res = await fetchWithPolicy(
        this.opts.egress,
        url,
        { ...extra, ...(await this.authHeaders(true)) },
        undefined,
        this.opts.signal,
      );
    }
    if (res.ok) return res;
    await res.body?.cancel();
    const refused = refusalOf(this.registry, what, res.status, Boolean(this.opts.credentials));
    if (refused) throw refused;
    if (res.status === 404)
      throw new ImageNotFoundError(`${this.registry}/${this.repository}: ${what} not found`);
    throw new RegistryError(`${this.registry} answered ${res.status} for ${what}`, { status: res.status });
  }

  private async authHeaders(refresh: boolean): Promise<Record<string, string>> {
    const c = this.challenge;
    if (!c) return {};
    if (c.scheme === 'basic') {
      const creds = this.opts.credentials;
      if (!creds) throw new RegistryAuthError(`${this.registry} requires credentials (Basic auth)`);
      return { authorization: basic(creds) };
    }
    return { authorization: await this.bearer(c, refresh) };
  }

  private async bearer(c: AuthChallenge, refresh: boolean): Promise<string> {
    const realm = c.params['realm'];
    if (!realm) throw new RegistryAuthError(`${this.registry}: Bearer challenge without realm`);
    const scope = `repository:${this.repository}:pull`;
    const key = `${realm}\0${c.params['service'] ?? ''}\0${scope}`;
    const cached = this.tokens.get(key);
    if (cached && !refresh && cached.expires > Date.now()) return cached.header;
    const url = new URL(realm);
    if (c.params['service']) url.searchParams.set('service', c.params['service']);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = this.opts.credentials
      ? { authorization: basic(this.opts.credentials) }
      : {};
    this.stats.tokenFetches++;
    const res = await fetchWithPolicy(this.opts.egress, url.toString(), headers, undefined, this.opts.signal);
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryAuthError(`token server ${url.host} refused (${res.status})`, { status: res.status });
    }
    const body = JSON.parse((await readLimited(res, 1024 * 1024, 'token response')).toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryAuthError(`token server ${url.host} returned no token`);
    // Docker's default lifetime is 60 s; renew a little early.
    const header = `Bearer ${token}`;
    this.tokens.set(key, { header, expires: Date.now() + Math.max(10, (body.expires_in ?? 60) - 5) * 1000 });
    return header;
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
