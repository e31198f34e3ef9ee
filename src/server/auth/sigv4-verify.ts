import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpError } from '../http/http-error.js';

/** AWS's window: a signature dated more than 15 minutes from the server's clock is refused. */
export const SIGV4_MAX_SKEW_MS = 15 * 60 * 1000;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** A request as it arrived: the raw path and query (undecoded), headers, and the body's bytes. */
export interface ReceivedRequest {
  method: string;
  /** The path exactly as sent, percent-encoding and all (the canonical URI is derived from it). */
  rawPath: string;
  rawQuery: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer | undefined;
}

const incomplete = (why: string): HttpError => new HttpError(403, 'AWS_AUTH_INCOMPLETE', why);

export function isSigV4(authorization: string | undefined): boolean {
  return authorization?.startsWith(`${ALGORITHM} `) ?? false;
}

export function parseSigV4Authorization(header: string): SigV4Authorization {
  const field = (name: string): string | undefined =>
    new RegExp(`(?:^|[\\s,])${name}=([^,\\s]+)`).exec(header.slice(ALGORITHM.length))?.[1];
  const credential = field('Credential');
  const signedHeaders = field('SignedHeaders');
  const signature = field('Signature');
  if (!credential || !signedHeaders || !signature)
    throw incomplete(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  const [accessKeyId, scopeDate, region, service, terminator, extra] = credential.split('/');
  if (!accessKeyId || !scopeDate || !region || !service || terminator !== 'aws4_request' || extra)
    throw incomplete(`Credential should be scoped to a valid region and service: ${credential}`);
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete('Signature must be 64 hexadecimal characters.');
  return { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function header(req: ReceivedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The X-Amz-Date of the request, checked against the scope and the 15-minute window. */
export function signingDateOf(req: ReceivedRequest, auth: SigV4Authorization, now: Date): Date {
  const raw = header(req, 'x-amz-date');
  const m = raw ? AMZ_DATE.exec(raw) : null;
  if (!raw || !m || !auth.signedHeaders.includes('x-amz-date') || !auth.signedHeaders.includes('host'))
    throw incomplete('the request must sign the host and X-Amz-Date headers (YYYYMMDDTHHMMSSZ)');
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  if (Number.isNaN(date.getTime())) throw incomplete(`X-Amz-Date ${raw} is not a date`);
  if (raw.slice(0, 8) !== auth.scopeDate)
    throw new HttpError(
      403,
      'AWS_SIGNATURE_MISMATCH',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${raw.slice(0, 8)}'`,
    );
  const stamp = (d: Date): string =>
    d
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  if (date.getTime() < now.getTime() - SIGV4_MAX_SKEW_MS)
    throw new HttpError(
      403,
      'AWS_SIGNATURE_EXPIRED',
      `Signature expired: ${raw} is now earlier than ${stamp(new Date(now.getTime() - SIGV4_MAX_SKEW_MS))} (${stamp(now)} - 15 min.)`,
    );
  if (date.getTime() > now.getTime() + SIGV4_MAX_SKEW_MS)
    throw new HttpError(
      403,
      'AWS_SIGNATURE_EXPIRED',
      `Signature not yet current: ${raw} is still later than ${stamp(new Date(now.getTime() + SIGV4_MAX_SKEW_MS))} (${stamp(now)} + 15 min.)`,
    );
  return date;
}

/** The query as the signer wants it: decoded keys and values, repeated keys as arrays ('+' is a plus). */
export function queryOf(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const pair of raw.split('&').filter(Boolean)) {
    const i = pair.indexOf('=');
    const [k, v] = i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(k);
      value = decodeURIComponent(v);
    } catch {
      throw incomplete('the query string is not valid percent-encoding');
    }
    const old = out[key];
    out[key] = old === undefined ? value : [old, value].flat();
  }
  return out;
}

const mismatch = (): HttpError =>
  new HttpError(
    403,
    'AWS_SIGNATURE_MISMATCH',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

/**
 * Recomputes the request's signature with the maintained signer (@smithy/signature-v4, what the AWS
 * SDK for JavaScript signs with) from the request as received: the signed headers only, the raw path,
 * the query, and the SHA-256 of the body's bytes. Compared in constant time; any difference, the body
 * changed after signing included, is an InvalidSignatureException.
 */
export async function verifySigV4(
  req: ReceivedRequest,
  auth: SigV4Authorization,
  secretAccessKey: string,
  signingDate: Date,
): Promise<void> {
  const bodyHash = createHash('sha256')
    .update(req.body ?? Buffer.alloc(0))
    .digest('hex');
  const claimed = header(req, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed !== bodyHash) throw mismatch();
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = header(req, name);
    if (v === undefined) throw mismatch();
    headers[name] = v;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: headers['host'] ?? '',
      path: req.rawPath,
      query: queryOf(req.rawQuery),
      headers,
      body: req.body ?? undefined,
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  const computedHeaders = /SignedHeaders=([^,\s]+)/.exec(String(signed.headers['authorization']))?.[1];
  const ok =
    computedHeaders === auth.signedHeaders.join(';') &&
    timingSafeEqual(Buffer.from(computed.padEnd(64, '0')), Buffer.from(auth.signature));
  if (!ok) throw mismatch();
}
