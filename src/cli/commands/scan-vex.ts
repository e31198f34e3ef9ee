import { readFile } from 'node:fs/promises';
import type { Finding } from '../../findings/finding-types.js';
import { vexSuppressor, type VexSourceDocument } from '../../findings/vex/vex-matcher.js';
import { VexInvalidError } from '../../findings/vex/vex-invalid-error.js';
import { parseVexText } from '../../findings/vex/vex-parse.js';

/** A VEX file larger than this is refused before it is read whole (the server's upload limit). */
const MAX_VEX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads and parses every `--vex FILE` before the scan, so a bad document costs no scan. */
export async function loadVexFiles(files: readonly string[]): Promise<VexSourceDocument[]> {
  const out: VexSourceDocument[] = [];
  for (const file of files) {
    let text: string;
    try {
      const bytes = await readFile(file);
      if (bytes.length > MAX_VEX_FILE_BYTES)
        throw new VexInvalidError(`${file} is larger than ${MAX_VEX_FILE_BYTES} bytes`, { file });
      text = bytes.toString('utf8');
    } catch (err) {
      if (err instanceof VexInvalidError) throw err;
      throw new VexInvalidError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
        file,
      });
    }
    try {
      out.push({ documentId: file, content: await parseVexText(text) });
    } catch (err) {
      if (err instanceof VexInvalidError) {
        const reason = err.message.replace(/^invalid VEX document: /, '');
        throw new VexInvalidError(`${file}: ${reason}`, { file, ...err.details });
      }
      throw err;
    }
  }
  return out;
}

/**
 * Marks the findings the documents' not_affected/fixed statements cover as SUPPRESSED, with
 * `suppressedBy` (`vex:FILE#INDEX`) and `suppression` (the justification and the statement), as the
 * server does for an account's stored documents.
 */
export function applyVexFiles(findings: Finding[], docs: readonly VexSourceDocument[]): void {
  if (docs.length === 0) return;
  const verdictOf = vexSuppressor(docs);
  for (const f of findings) {
    const v = verdictOf(f);
    if (!v) continue;
    f.status = 'SUPPRESSED';
    f.suppressedBy = v.by;
    f.suppression = v.suppression;
  }
}
