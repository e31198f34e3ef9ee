import { readFileSync, statSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ConfigInvalidError } from './config-invalid-error.js';

/** One value from the config file, with the line it is on (for messages and `--print-config`). */
export interface ConfigFileEntry {
  readonly value: unknown;
  readonly line: number;
}

/** The config file's top-level keys, each checked to be one the command knows. */
export interface ConfigFile {
  readonly path: string;
  /** Its permission bits: a file other users can read must not hold a secret. */
  readonly mode: number;
  readonly entries: ReadonlyMap<string, ConfigFileEntry>;
}

/**
 * Reads a YAML config file: a mapping of known keys to values. Anything else — not YAML, a duplicate
 * key, a key the command does not know, nesting where none is expected — is a CONFIG_INVALID error
 * naming the key and its line, before anything starts. This module (and `yaml`) loads only when a
 * command runs, never for `--help`.
 */
export function readConfigFile(path: string, knownKeys: ReadonlySet<string>): ConfigFile {
  const text = readText(path);
  const mode = statSync(path).mode & 0o777;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line;
    // The first line only: the rest is a frame of the file's text, which may hold a secret.
    const message = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
    throw new ConfigInvalidError(
      `config file ${path}${line ? `:${line}` : ''} is not valid YAML: ${message}`,
      {
        source: path,
        ...(line ? { line } : {}),
      },
    );
  }
  const entries = new Map<string, ConfigFileEntry>();
  if (doc.contents === null) return { path, mode, entries };
  if (!isMap(doc.contents))
    throw new ConfigInvalidError(`config file ${path} must be a mapping of settings (key: value)`, {
      source: path,
    });
  const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
    const line = lines.linePos(offset).line;
    if (typeof key !== 'string')
      throw new ConfigInvalidError(`config file ${path}:${line}: a key must be text`, { source: path, line });
    if (!knownKeys.has(key))
      throw new ConfigInvalidError(
        `config file ${path}:${line}: unknown key "${key}" (known: ${[...knownKeys].sort().join(', ')})`,
        { source: path, path: key, line },
      );
    entries.set(key, { value: data[key], line });
  }
  return { path, mode, entries };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigInvalidError(`cannot read config file ${path} (${code})`, { source: path });
  }
}
