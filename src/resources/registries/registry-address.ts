import { RegistryInvalidError } from './registry-invalid-error.js';

const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * The registry's API host from what a user typed: `host[:port]`, `https://host[:port]`, or
 * `http://host[:port]` (plain HTTP, which needs `insecure`). No path, query or credentials in it:
 * credentials have their own, sealed, field.
 */
export function registryHostOf(url: string, insecure: boolean): string {
  const text = url.trim().toLowerCase();
  const m = /^(?:(https?):\/\/)?([^/?#@]+)\/?$/.exec(text);
  const host = m?.[2];
  if (!m || !host || !HOST.test(host))
    throw new RegistryInvalidError(
      'url must be host[:port] or http(s)://host[:port], without a path or credentials',
      { url },
    );
  const port = Number(/:(\d+)$/.exec(host)?.[1] ?? '443');
  if (port < 1 || port > 65535) throw new RegistryInvalidError(`port ${port} is out of range`, { url });
  if (m[1] === 'http' && !insecure)
    throw new RegistryInvalidError('an http:// registry needs insecure: true (an admin key)', { url });
  return host;
}

/** The address shown back: the scheme vigil uses first. */
export function registryUrlOf(host: string, insecure: boolean): string {
  return `${insecure ? 'http' : 'https'}://${host}`;
}
