import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './http-error.js';

/**
 * The console's policy: scripts, styles, images, fonts and API calls from this origin only; no
 * inline script (the Vite build emits none), no plugins, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The repository (or installed package) root: the nearest ancestor with a package.json. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}

export const defaultConsoleDir = (): string =>
  join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'web', 'dist');

/** Paths that are the API (never the SPA): the console's fallback must not answer them with HTML. */
export const isApiPath = (url: string): boolean =>
  /^\/v1(\/|\?|$)/.test(url) || url.startsWith('/openapi.json');

/** Console routes need no key: they serve the same public files to everyone, never data. */
export function isConsoleRequest(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return route !== undefined && !isApiPath(route) && !isApiPath(req.url) && route !== '/health';
}

/**
 * Serves web/dist at `/`: hashed files under /assets/ cached for a year (immutable), everything else
 * (index.html, the favicon) revalidated; any other GET that is not the API gets index.html (the SPA's
 * client routes). Every response carries the CSP and nosniff. Without a built console the root says
 * how to build it.
 */
export function registerConsole(app: FastifyInstance, dir: string = defaultConsoleDir()): void {
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    app.get('/', { schema: { hide: true } }, (_req, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The vigil console is not built here (npm run build:web). The API is under /v1.'),
    );
    return;
  }
  const index = readFileSync(indexFile);
  void app.register(fastifyStatic, {
    root: dir,
    wildcard: false,
    index: false,
    schemaHide: true,
    // Our own Cache-Control (setHeaders), not send's max-age=0.
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.startsWith(join(dir, 'assets')) ? IMMUTABLE : 'no-cache');
    },
  });
  const spa = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (isApiPath(req.url)) throw notFound(`route ${req.method} ${req.url.split('?')[0] ?? ''}`);
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  };
  app.get('/', { schema: { hide: true } }, spa);
  app.get('/*', { schema: { hide: true } }, spa);
}
