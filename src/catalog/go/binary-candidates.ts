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

/** Opens the file, hands an ELF's headers to `fn`, and always closes it; non-ELF files give undefined. */
export async function withElf<T>(
  file: CatalogerFile,
  fn: (reader: RandomAccessReader, elf: ElfFile) => Promise<T>,
): Promise<T | undefined> {
  if (!mayBeProgram(file)) return undefined;
  const reader = await file.open();
  try {
    // readElf checks the magic in its first (and, for non-ELF files, only) read.
    const elf = await readElf(reader);
    return elf ? await fn(reader, elf) : undefined;
  } finally {
    await reader.close();
  }
}
