/**
 * Base of every error vigil raises on purpose. `code` is stable (documented, matched by callers and
 * mapped to exit codes / HTTP statuses in one place); `message` is for people and may change.
 */
export class VigilError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export function isVigilError(err: unknown): err is VigilError {
  return err instanceof VigilError;
}
