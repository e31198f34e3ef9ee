/** The four statuses of the VEX minimum requirements; CycloneDX analysis states map onto them. */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export type VexFormat = 'openvex' | 'cyclonedx';

/**
 * One product a statement is about: purls it is known by, and (OpenVEX) subcomponents that narrow the
 * statement to those packages inside it. `versions` (CycloneDX `affects[].versions`): when present, only
 * these exact package versions are covered.
 */
export interface VexProduct {
  /** How the document named it (a purl, an IRI, a bom-ref): shown as the source. */
  ref: string;
  purls: string[];
  subcomponents: string[];
  versions?: string[];
}

/** A statement as both formats reduce to, in document order. */
export interface VexStatement {
  /** Position in the document (OpenVEX `statements[i]`, CycloneDX `vulnerabilities[i]`). */
  index: number;
  /** The vulnerability's name and every alias the statement gives. */
  vulnerabilityIds: string[];
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  /** When the statement was made: its own timestamp, else the document's (ISO 8601), if any. */
  timestamp?: string;
}

/** A parsed document: who said it, when, and what. */
export interface VexDocumentContent {
  format: VexFormat;
  specVersion: string;
  /** OpenVEX `@id`, CycloneDX `serialNumber`. */
  vexId?: string;
  author?: string;
  timestamp?: string;
  statements: VexStatement[];
}
