import type { Egress } from '../../../egress/egress-client.js';
import { InsecureRegistryError } from '../errors/insecure-registry-error.js';
import { RegistryAuthError } from '../errors/registry-auth-error.js';
import { RegistryError } from '../errors/registry-error.js';
import { MANIFEST_ACCEPT } from '../manifest/media-types.js';
import { parseAuthChallenge, type AuthChallenge } from './auth-challenge.js';
import type { Credentials } from './docker-config.js';
import { fetchWithPolicy, isFinal, readLimited, refusalOf } from './registry-http.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const PAGE = 100;
/** A catalog or tag page is a list of names; a registry sending more is not answering honestly. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** Pages followed in one listing, so a registry with a Link loop cannot keep a poll forever. */
const MAX_PAGES = 1000;

export interface RegistryApiOptions {
  egress: Egress;
  credentials?: Credentials;
  insecure?: boolean;
  signal?: AbortSignal;
  /** Names asked per page (`n`); default 100. */
  pageSize?: number;
}

/**
 * The registry-wide half of the distribution API: the `/v2/` check with credentials, `_catalog` and
 * `tags/list` with `Link` pagination, and a tag's manifest digest. Basic and token auth, like the
 * per-repository RegistryClient; each call asks the token server for its own scope.
 */
export class RegistryApi {
  private base: string | undefined;
  private challenge: AuthChallenge | undefined;

  constructor(
    readonly host: string,
    private readonly opts: RegistryApiOptions,
  ) {}

  /** `/v2/` answered, and with the credentials (if the registry asks for any) it answers 200. */
  async check(): Promise<void> {
    await this.ping();
    const res = await this.get('/v2/', 'registry:catalog:*', 'the /v2/ endpoint');
    await res.body?.cancel();
  }

  /** Every repository `_catalog` lists (a registry may refuse: RegistryAuthError or RegistryError). */
  async *repositories(): AsyncGenerator<string> {
    for await (const page of this.pages(
      `/v2/_catalog?n=${this.opts.pageSize ?? PAGE}`,
      'registry:catalog:*',
      'the catalog',
    ))
      for (const name of arrayOf(page, 'repositories')) yield name;
  }

  /** Every tag of a repository. */
  async *tags(repository: string): AsyncGenerator<string> {
    const path = `/v2/${repository}/tags/list?n=${this.opts.pageSize ?? PAGE}`;
    for await (const page of this.pages(path, `repository:${repository}:pull`, `tags of ${repository}`))
      for (const tag of arrayOf(page, 'tags')) yield tag;
  }

  /** The digest and media type of a tag's manifest (or index). */
  async manifestOf(repository: string, tag: string): Promise<{ digest: string; mediaType: string | null }> {
    const res = await this.get(
      `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
      `repository:${repository}:pull`,
      `manifest ${repository}:${tag}`,
      { accept: MANIFEST_ACCEPT },
    );
    const digest = res.headers.get('docker-content-digest');
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim() ?? null;
    await readLimited(res, MAX_PAGE_BYTES, `manifest ${repository}:${tag}`);
    if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest))
      throw new RegistryError(`${this.host} sent no Docker-Content-Digest for ${repository}:${tag}`);
    return { digest, mediaType };
  }

  private async *pages(first: string, scope: string, what: string): AsyncGenerator<unknown> {
    let next: string | undefined = first;
    for (let n = 0; next && n < MAX_PAGES; n++) {
      const res = await this.get(next, scope, what);
      const body = await readLimited(res, MAX_PAGE_BYTES, what);
      next = nextLink(res.headers.get('link'));
      try {
        yield JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        throw new RegistryError(`${this.host} answered ${what} with a body that is not JSON`);
      }
    }
  }

  private async ping(): Promise<void> {
    if (this.base) return;
    const plainAllowed = this.opts.insecure === true || LOCAL_HOSTS.has(this.host.replace(/:\d+$/, ''));
    let base = `https://${this.host}`;
    let res: Response;
    try {
      res = await fetchWithPolicy(
        this.opts.egress,
        `${base}/v2/`,
        {},
        plainAllowed ? 0 : undefined,
        this.opts.signal,
      );
    } catch (err) {
      if (isFinal(err)) throw err;
      if (!plainAllowed)
        throw new InsecureRegistryError(`cannot reach https://${this.host} (${(err as Error).message})`, {
          host: this.host,
        });
      base = `http://${this.host}`;
      res = await fetchWithPolicy(this.opts.egress, `${base}/v2/`, {}, undefined, this.opts.signal);
    }
    await res.body?.cancel();
    if (res.status === 401) this.challenge = parseAuthChallenge(res.headers.get('www-authenticate'));
    else if (!res.ok)
      throw new RegistryError(`${this.host}/v2/ answered ${res.status}: not a registry?`, {
        status: res.status,
      });
    this.base = base;
  }

  private async get(
    path: string,
    scope: string,
    what: string,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    await this.ping();
    const url = new URL(path, this.base).toString();
    const res = await fetchWithPolicy(
      this.opts.egress,
      url,
      { ...extra, ...(await this.authHeaders(scope)) },
      undefined,
      this.opts.signal,
    );
    if (res.ok) return res;
    await res.body?.cancel();
    const refused = refusalOf(this.host, what, res.status, Boolean(this.opts.credentials));
    if (refused) throw refused;
    throw new RegistryError(`${this.host} answered ${res.status} for ${what}`, { status: res.status });
  }

  private async authHeaders(scope: string): Promise<Record<string, string>> {
    const c = this.challenge;
    const creds = this.opts.credentials;
    if (!c) return {};
    if (c.scheme === 'basic') {
      if (!creds) throw new RegistryAuthError(`${this.host} requires credentials (Basic auth)`);
      return { authorization: basic(creds) };
    }
    const realm = c.params['realm'];
    if (!realm) throw new RegistryAuthError(`${this.host}: Bearer challenge without realm`);
    const url = new URL(realm);
    if (c.params['service']) url.searchParams.set('service', c.params['service']);
    url.searchParams.set('scope', scope);
    const res = await fetchWithPolicy(
      this.opts.egress,
      url.toString(),
      creds ? { authorization: basic(creds) } : {},
      undefined,
      this.opts.signal,
    );
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryAuthError(`token server ${url.host} refused (${res.status})`, { status: res.status });
    }
    const body = JSON.parse((await readLimited(res, 1024 * 1024, 'token response')).toString('utf8')) as {
      token?: string;
      access_token?: string;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryAuthError(`token server ${url.host} returned no token`);
    return { authorization: `Bearer ${token}` };
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function arrayOf(page: unknown, key: string): string[] {
  const v = typeof page === 'object' && page !== null ? (page as Record<string, unknown>)[key] : undefined;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** RFC 8288 `Link: </v2/_catalog?last=x&n=100>; rel="next"`: the next page's path, same origin only. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) {
      const target = m[1] ?? '';
      // A relative path keeps the registry's origin; an absolute URL elsewhere is not followed.
      return target.startsWith('/') && !target.startsWith('//') ? target : undefined;
    }
  }
  return undefined;
}
