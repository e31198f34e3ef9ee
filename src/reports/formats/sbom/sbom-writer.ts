import type { Inventory } from '../../../core/inventory.js';

/** Facts about the run that every SBOM names as its producer; injected so tests can pin them. */
export interface SbomContext {
  toolName: string;
  toolVersion: string;
  /** Unique per document (CycloneDX serialNumber, SPDX documentNamespace); random by default. */
  documentId?: string;
}

/** One output format of `vigil sbom`: a pure function from an inventory to the document text. */
export interface SbomWriter {
  /** The `--format` value. */
  readonly name: string;
  readonly description: string;
  readonly mediaType: string;
  write(inventory: Inventory, ctx: SbomContext): string;
  /**
   * The same text in pieces, for writers whose whole document would dominate a large inventory's
   * memory (`vigil sbom /` writes tens of megabytes): joined, exactly what `write` returns.
   */
  chunks?(inventory: Inventory, ctx: SbomContext): Iterable<string>;
}
