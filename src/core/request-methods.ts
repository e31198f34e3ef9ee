const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Methods that may change something: read-only keys are refused them, and each one is audited. */
export function isMutatingMethod(method: string): boolean {
  return !READ_METHODS.has(method.toUpperCase());
}
