import { ApplyRequestError } from './apply-request-error.js';

/**
 * The HTTP client of `vigil apply`: it talks to the server's /v1 API like any other client, with an
 * admin key as a bearer token, JSON in and out (raw bytes for VEX uploads). Every call is counted by
 * method so the CLI can say how many writes it made.
 */
export class ApplyClient {
  readonly writes: string[] = [];

  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.send('DELETE', path);
  }

  /** POST of a document as it is (a VEX file): the server digests exactly these bytes. */
  postRaw<T>(path: string, bytes: Uint8Array): Promise<T> {
    return this.send<T>('POST', path, bytes);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (method !== 'GET') this.writes.push(`${method} ${path}`);
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) {
      headers['content-type'] = 'application/json';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const url = new URL(path, this.base);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    } catch (err) {
      const reason =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : '';
      throw new ApplyRequestError(`cannot reach ${url.origin}: ${reason}`, { method, path }, { cause: err });
    }
    const text = await res.text();
    const json = parseJson(text);
    if (!res.ok) {
      const e = (json ?? {}) as { code?: unknown; message?: unknown };
      const code = typeof e.code === 'string' ? e.code : 'HTTP_' + String(res.status);
      const message = typeof e.message === 'string' ? e.message : res.statusText;
      throw new ApplyRequestError(`${method} ${path} → ${res.status} ${code}: ${message}`, {
        method,
        path,
        status: res.status,
        serverCode: code,
      });
    }
    return json as T;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
