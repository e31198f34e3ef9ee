import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isVigilError } from '../core/errors/vigil-error.js';
import type { CliIo } from './cli-io.js';
import { OutputUnwritableError } from './output-unwritable-error.js';

/**
 * Writes a command's document to stdout, or to `file` so that readers never see a half-written one:
 * a temp file beside the target, fsync, then rename. Targets that are not regular files (/dev/null,
 * a FIFO, /dev/stdout) are written in place, because renaming over them would replace the device.
 * A document given in chunks (text, or bytes such as a PDF) is written chunk by chunk, never whole in memory.
 */
export async function writeOutput(
  io: CliIo,
  text: string | Iterable<string | Uint8Array>,
  file?: string,
): Promise<void> {
  const chunks = typeof text === 'string' ? [text] : text;
  if (file === undefined || file === '-') {
    for (const chunk of chunks) if (!(await writeStream(io.stdout, chunk))) return;
    return;
  }
  try {
    await writeFileAtomically(file, chunks);
  } catch (err) {
    if (isVigilError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'write failed';
    throw new OutputUnwritableError(file, code);
  }
}

async function writeFileAtomically(file: string, chunks: Iterable<string | Uint8Array>): Promise<void> {
  const target = await realTarget(file);
  const st = await lstat(target).catch(() => undefined);
  if (st && !st.isFile()) {
    await writeFile(target, chunks);
    return;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o644);
  try {
    for (const chunk of chunks) await (typeof chunk === 'string' ? handle.write(chunk) : handle.write(chunk));
    await handle.sync();
    await handle.close();
    await rename(tmp, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A symlinked output path is written through, to the file the link names. */
async function realTarget(file: string): Promise<string> {
  const abs = resolve(file);
  return realpath(abs).catch(() => abs);
}

/**
 * A reader that stops early (`| head`) is not an error of ours: EPIPE ends the write quietly (false:
 * write no more). Each chunk is written once the previous one was taken, so chunks never pile up.
 */
function writeStream(stream: NodeJS.WritableStream, text: string | Uint8Array): Promise<boolean> {
  return new Promise((res, rej) => {
    const onError = (err: NodeJS.ErrnoException): void => (err.code === 'EPIPE' ? res(false) : rej(err));
    stream.once('error', onError);
    stream.write(text, (err) => {
      stream.off('error', onError);
      if (err) onError(err);
      else res(true);
    });
  });
}
