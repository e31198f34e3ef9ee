import picomatch from 'picomatch';
import { FileTooLargeError } from '../../../core/errors/file-too-large-error.js';
import { PathNotFoundError } from '../../../core/errors/path-not-found-error.js';
import type { Resolver } from '../../../source/resolver.js';
import { SymlinkError } from '../../../source/symlink-error.js';

/** Configuration files are small; anything bigger is not read (a hostile or broken file, not a config). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type TextRead =
  | { kind: 'text'; text: string; path: string; realPath: string }
  | { kind: 'absent'; path: string }
  | { kind: 'error'; path: string; reason: string };

/**
 * Reads a configuration file through the resolver and never past it: a link out of the root, a file
 * over the limit, a binary file or an unreadable one comes back as an error with the reason.
 */
export async function readText(
  resolver: Resolver,
  path: string,
  maxBytes = MAX_CONFIG_BYTES,
): Promise<TextRead> {
  let buf: Buffer;
  let realPath = path;
  try {
    buf = await resolver.readFile(path, { maxBytes });
    realPath = await resolver.realPath(path);
  } catch (err) {
    if (err instanceof PathNotFoundError) return { kind: 'absent', path };
    if (err instanceof SymlinkError)
      return { kind: 'error', path, reason: `${path}: ${err.problem}, not read` };
    if (err instanceof FileTooLargeError) {
      return { kind: 'error', path, reason: `${path} is over ${maxBytes} bytes, not read as configuration` };
    }
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { kind: 'error', path, reason: `${path} unreadable (${code})` };
  }
  if (buf.includes(0))
    return { kind: 'error', path, reason: `${path} is binary (NUL bytes), not configuration text` };
  return { kind: 'text', text: buf.toString('utf8'), path, realPath };
}

export interface ConfigLine {
  text: string;
  origin: string;
}

/** Meaningful lines: comments (`#`, and `;` when asked) and blanks dropped, whitespace collapsed. */
export function configLines(text: string, path: string, commentChars = '#'): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).replace(/\s+/g, ' ').trim();
    if (t === '' || commentChars.includes(t[0] as string)) continue;
    out.push({ text: t, origin: `${path}:${i + 1}` });
  }
  return out;
}

/**
 * In-root paths of the regular files (or links to them) directly in `dir` whose names match `pattern`,
 * sorted by name. Lists the directory when the resolver can (cheap on a live host), else uses a glob.
 */
export async function filesIn(resolver: Resolver, dir: string, pattern: string): Promise<string[]> {
  const isMatch = picomatch(pattern, { dot: false });
  if (resolver.listDir) {
    const entries = (await resolver.listDir(dir)) ?? [];
    return entries
      .filter((e) => (e.type === 'file' || e.type === 'symlink') && isMatch(e.name))
      .map((e) => `${dir}/${e.name}`);
  }
  const refs = await resolver.findFiles([`${dir.replace(/^\//, '')}/${pattern}`]);
  return refs.map((r) => r.path);
}

/** The reason text for an error read, or undefined when every read was fine. */
export function firstError(reads: readonly TextRead[]): string | undefined {
  for (const r of reads) if (r.kind === 'error') return r.reason;
  return undefined;
}
