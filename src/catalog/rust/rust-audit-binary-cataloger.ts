import { BINARY_GLOBS, mayBeProgram, withElf } from '../go/binary-candidates.js';
import { readSection } from '../go/elf-reader.js';
import type { ParseResult } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';
import { parseRustAuditData } from './rust-audit-parser.js';

/** Where cargo-auditable puts the compressed dependency list. */
const AUDIT_SECTION = '.dep-v0';
/** Compressed audit data is small; a larger section is not cargo-auditable's. */
const MAX_SECTION = 8 * 1024 * 1024;

/** Rust binaries built with cargo-auditable: the crate list from the ELF section `.dep-v0`. */
export const rustAuditBinaryCataloger = defineCataloger({
  name: 'rust-audit-binary',
  ecosystem: 'cargo',
  tags: ['language', 'installed', 'binary'],
  globs: BINARY_GLOBS,
  accepts: mayBeProgram,
  async parse(file, ctx): Promise<ParseResult> {
    const data = await withElf(file, {
      shared: ctx.shared,
      wants: (elf) => elf.sections.some((s) => s.name === AUDIT_SECTION),
      fn: async (reader, elf) => {
        const section = elf.sections.find((s) => s.name === AUDIT_SECTION);
        return section && readSection(reader, section, MAX_SECTION);
      },
    });
    if (!data) return { packages: [] };
    try {
      return { packages: parseRustAuditData(data) };
    } catch (err) {
      // zlib stops at the output limit with ERR_BUFFER_TOO_LARGE: a crafted section, recorded not fatal.
      if ((err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw err;
      return {
        packages: [],
        unknowns: [{ path: file.path, reason: 'limit-exceeded', detail: '.dep-v0 inflates past its limit' }],
      };
    }
  },
});
