import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SecretBox } from './secret-box.js';
import { SecretKeyFileError } from './secret-key-file-error.js';

export const SECRET_KEY_FILE_NAME = 'vigil-secret.key';

export interface LoadedSecretKey {
  box: SecretBox;
  path: string;
  /** Made by this call (first start): the caller removes it again if the DB turns out to need another key. */
  created: boolean;
  /** Removes a key file this call created; a no-op for one that was there before. */
  discard(): void;
}

/**
 * The server key: 32 random bytes, base64 on one line, in a file only its owner may read. Missing: made
 * with mode 0600 (exclusively, so two servers starting together cannot each write their own). Present:
 * refused if its group or others have any access, as ssh refuses a private key. Never read from a flag
 * value or the environment: those show in `ps` and in /proc.
 */
export function loadOrCreateSecretKey(path: string): LoadedSecretKey {
  const full = resolve(path);
  const created = createIfMissing(full);
  const box = readKey(full);
  return {
    box,
    path: full,
    created,
    discard: () => {
      if (created) rmSync(full, { force: true });
    },
  };
}

/** Beside the SQLite file; for PostgreSQL (no file) in ./vigil-data like SQLite's default. */
export function defaultSecretKeyPath(databaseUrl: string): string {
  const sqlite = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : undefined;
  const dir = sqlite && sqlite !== ':memory:' ? dirname(sqlite) : 'vigil-data';
  return join(dir, SECRET_KEY_FILE_NAME);
}

function createIfMissing(path: string): boolean {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SecretKeyFileError(
      path,
      `cannot create it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    writeSync(fd, `${SecretBox.newKey().toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readKey(path: string): SecretBox {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (err) {
    throw new SecretKeyFileError(path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SecretKeyFileError(path, 'not a regular file');
    if ((st.mode & 0o077) !== 0)
      throw new SecretKeyFileError(
        path,
        `mode ${(st.mode & 0o777).toString(8).padStart(4, '0')} lets group or others read it; chmod 600 it`,
      );
    const text = readFileSync(fd, 'utf8').trim();
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32 || key.toString('base64') !== text)
      throw new SecretKeyFileError(path, 'does not hold a vigil secret key (32 bytes, base64, one line)');
    return SecretBox.fromKey(key);
  } finally {
    closeSync(fd);
  }
}
