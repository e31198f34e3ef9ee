import type { FastifyInstance } from 'fastify';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { HttpError } from './http-error.js';

export { MAX_JSON_DEPTH };

export function jsonTooDeep(): HttpError {
  return new HttpError(400, 'JSON_TOO_DEEP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, {
    maxDepth: MAX_JSON_DEPTH,
  });
}

/**
 * Fastify's own JSON parser (prototype-poisoning checks kept), behind a depth pre-scan that runs on
 * the raw text before anything recursive sees it. The body limit still applies (parseAs: 'string').
 */
export function installJsonBodyParser(app: FastifyInstance): Promise<void> {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(jsonTooDeep(), undefined);
      return;
    }
    void parse(req, text, done);
  });
  return Promise.resolve();
}
