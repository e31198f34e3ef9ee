import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/** True when the file starts with the gzip magic bytes (names lie; content does not). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A file's bytes, gunzipped when gzip. Stream errors (a truncated gzip) surface to the consumer. */
export async function openMaybeGzip(path: string): Promise<AsyncIterable<Buffer>> {
  const raw = createReadStream(path);
  if (!(await isGzipFile(path))) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * Lines of a byte stream. Written over the stream's async iterator rather than `readline` so a stream
 * error (truncated gzip) is thrown to the importer, which then rolls back.
 */
export async function* lines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
  }
  rest += decoder.end();
  if (rest.length > 0) yield rest.replace(/\r$/, '');
}

export type JsonLine =
  { ok: true; value: unknown; line: number } | { ok: false; error: string; line: number };

/** JSON Lines: every non-blank line parsed; a bad line is reported, not thrown. */
export async function* jsonLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<JsonLine> {
  let n = 0;
  for await (const line of lines(chunks)) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield { ok: true, value: JSON.parse(line) as unknown, line: n };
    } catch (err) {
      yield { ok: false, error: (err as Error).message, line: n };
    }
  }
}
