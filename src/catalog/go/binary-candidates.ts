import type { CatalogerFile } from '../cataloger.js';
import type { RandomAccessReader } from '../../source/resolver.js';
import { readElf, type ElfFile } from './elf-reader.js';

/**
 * Where compiled programs live. Globs cannot see the executable bit or the file type, so the Go and
 * cargo-auditable catalogers look at the usual program directories and check the ELF magic (4 bytes)
 * before anything else. Trade-off: a binary dropped in an unusual place (`/data/tool`) is missed,
 * while scanning every file of a host would open hundreds of thousands of files for a few binaries.
 * Top-level files (`/manager`, `/app`) and `ko-app/` cover the usual container-image layouts.
 */
export const BINARY_GLOBS = [
  '*',
  '**/bin/*',
  '**/sbin/*',
  'usr/lib/**',
  'usr/libexec/**',
  'usr/local/**',
  'opt/**',
  'app/**',
  'srv/**',
  'ko-app/*',
] as const;

/** Smaller than any linked Go or Rust program; skips stubs and scripts without opening them. */
const MIN_BINARY_SIZE = 1024;

/**
 * Names that are never a program: scripts, data, and shared libraries. Shared libraries are skipped
 * on purpose (a Go c-shared or Rust cdylib library is rare; every distro has thousands of `.so` files).
 */
const NOT_A_PROGRAM =
  /\.(?:so(?:\.[\d.]+)?|a|o|py|pyc|pl|pm|rb|js|mjs|json|ya?ml|toml|xml|html?|txt|md|h|hpp|c|go|rs|sh|conf|cfg|ini|mo|po|png|svg|jpe?g|gz|xz|bz2|zst|zip|jar|whl|pem|crt|service|desktop|la|pc|cmake|typelib|gir)$/i;

/** Any of the owner/group/other execute bits. */
const EXECUTABLE_BITS = 0o111;

export function mayBeProgram(file: Pick<CatalogerFile, 'path' | 'size' | 'mode'>): boolean {
  // Without the execute bit a file is not a program: on a host this skips tens of thousands of data
  // files under usr/lib before any of them is opened.
  if (file.mode !== undefined && (file.mode & EXECUTABLE_BITS) === 0) return false;
  return file.size >= MIN_BINARY_SIZE && !NOT_A_PROGRAM.test(file.path);
}

/** The sections the binary catalogers read: the only ones parsed and remembered (with the segments). */
const KEPT_SECTIONS = new Set(['.go.buildinfo', '.dep-v0']);

export interface ElfUse<T> {
  /** Inventory-wide scratch space (ParseContext.shared): ELF headers are read once per file. */
  shared?: Map<string, unknown> | undefined;
  /** Given remembered headers: does this file hold what `fn` reads? When not, the file is not opened. */
  wants?: (elf: ElfFile) => boolean;
  fn: (reader: RandomAccessReader, elf: ElfFile) => Promise<T>;
}

/**
 * Opens the file, hands an ELF's headers to `fn`, and always closes it; non-ELF files give undefined.
 * With `shared`, the headers (or "not an ELF") are remembered for the next binary cataloger, so the
 * catalogers after the first open only the programs that carry their section.
 */
export async function withElf<T>(file: CatalogerFile, use: ElfUse<T>): Promise<T | undefined> {
  if (!mayBeProgram(file)) return undefined;
  const key = `elf:${file.layerDigest ?? ''}:${file.path}`;
  const known = use.shared?.get(key) as ElfFile | null | undefined;
  if (known === null) return undefined;
  if (known && use.wants && !use.wants(known)) return undefined;
  const reader = await file.open();
  try {
    // readElf checks the magic in its first (and, for non-ELF files, only) read.
    const elf = known ?? (await readElf(reader, KEPT_SECTIONS));
    if (!known) use.shared?.set(key, elf ?? null);
    return elf ? await use.fn(reader, elf) : undefined;
  } finally {
    await reader.close();
  }
}
