// The parts of undici the agent uses, without undici's index (which also loads fetch, WebSocket, the
// cache stores and the mocks). Bundled in place of 'undici' by scripts/build-agent.ts only; it keeps
// the signature of undici's own `request(url, { dispatcher, ... })`.
import { URL } from 'node:url';
import Agent from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import apiRequest from 'undici/lib/api/api-request.js';

export function request(url, opts) {
  const u = new URL(url);
  return apiRequest.call(opts.dispatcher, {
    ...opts,
    origin: u.origin,
    path: `${u.pathname}${u.search}`,
    method: opts.method,
  });
}

export { Agent, EnvHttpProxyAgent, ProxyAgent };
