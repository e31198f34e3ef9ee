import { readFileSync, statSync } from 'node:fs';
import { MetricsTokenError } from './metrics-token-error.js';

/** Shorter tokens are guessable; `openssl rand -hex 32` makes a 64-character one. */
const MIN_TOKEN_LENGTH = 16;

/**
 * The bearer token Prometheus sends to GET /metrics (its `authorization.credentials_file`), read from
 * a file as every secret is (a flag value shows in `ps`): one line, at least 16 characters, and not
 * readable by others (the Prometheus user may share the group).
 */
export function readMetricsToken(path: string): string {
  let text: string;
  try {
    if ((statSync(path).mode & 0o007) !== 0)
      throw new MetricsTokenError(path, 'others may access it (chmod o-rwx)');
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof MetricsTokenError) throw err;
    throw new MetricsTokenError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const token = text.trim();
  if (/\s/.test(token)) throw new MetricsTokenError(path, 'must hold one token on one line');
  if (token.length < MIN_TOKEN_LENGTH)
    throw new MetricsTokenError(path, `the token must have at least ${MIN_TOKEN_LENGTH} characters`);
  return token;
}
