import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { parseCycloneDxVex } from './cyclonedx-vex-parse.js';
import { parseOpenVex } from './openvex-parse.js';
import { VexInvalidError } from './vex-invalid-error.js';
import type { VexDocumentContent } from './vex-types.js';

/** Statements beyond this many are refused: one document is a statement about a product, not a feed. */
export const MAX_VEX_STATEMENTS = 20_000;

/**
 * A parsed JSON value → its VEX statements, whichever of the two formats it is: OpenVEX (an
 * `@context` under openvex.dev) or CycloneDX (`bomFormat: CycloneDX`).
 */
export async function parseVexDocument(doc: unknown): Promise<VexDocumentContent> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new VexInvalidError('not a JSON object');
  const d = doc as Record<string, unknown>;
  let content: VexDocumentContent;
  if (typeof d['@context'] === 'string' && d['@context'].startsWith('https://openvex.dev/'))
    content = parseOpenVex(d);
  else if (d['bomFormat'] === 'CycloneDX') content = await parseCycloneDxVex(d);
  else
    throw new VexInvalidError('neither OpenVEX (@context https://openvex.dev/ns…) nor CycloneDX (bomFormat)');
  if (content.statements.length > MAX_VEX_STATEMENTS)
    throw new VexInvalidError(`more than ${MAX_VEX_STATEMENTS} statements`, {
      statements: content.statements.length,
    });
  return content;
}

/** VEX JSON text (a file given to the CLI) → statements; the same depth guard the server's parser has. */
export async function parseVexText(text: string): Promise<VexDocumentContent> {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH))
    throw new VexInvalidError(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new VexInvalidError(`not JSON (${(err as Error).message})`);
  }
  return parseVexDocument(doc);
}
