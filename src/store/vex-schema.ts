/**
 * A VEX document uploaded to an account (issue 16): its statements, normalized from OpenVEX or
 * CycloneDX, suppress the findings they cover through the suppression machinery.
 */
export interface VexDocumentTable {
  id: string;
  account_id: string;
  format: string;
  spec_version: string;
  /** The document's own id (OpenVEX `@id`, CycloneDX `serialNumber`), author and timestamp. */
  vex_id: string | null;
  author: string | null;
  issued_at: string | null;
  statement_count: number;
  /** The normalized statements (findings/vex VexDocumentContent) as JSON. */
  content_json: string;
  /** SHA-256 of the uploaded bytes. */
  sha256: string;
  created_by: string | null;
  created_at: string;
}
